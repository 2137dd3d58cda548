package org.crosstenant.witness.config;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.platform.tlog.witness.StateStore;
import org.crosstenant.platform.tlog.witness.Witness;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/** Makes the {@link Witness} from {@link WitnessConfig}; a bad key or log fails the start. */
@ApplicationScoped
public class WitnessProducer {

    private static final Logger LOG = Logger.getLogger(WitnessProducer.class);

    /** Micrometer name of the refusal counter: {@code crosstenant_witness_refusals_total{origin,reason}}. */
    public static final String REFUSALS = "crosstenant.witness.refusals";

    /**
     * @param config   the configuration
     * @param registry where refusals are counted
     * @return the witness
     * @throws IllegalArgumentException for a malformed or wrong-typed key, or two logs with one origin
     */
    @Produces
    @ApplicationScoped
    @Startup
    Witness witness(WitnessConfig config, MeterRegistry registry) {
        NoteSigner signer = NoteSigner.parse(config.signingKey().trim());
        Map<String, NoteKey> logs = new HashMap<>();
        config.logs().forEach((name, log) -> {
            NoteKey key = NoteKey.parse(log.vkey().trim());
            if (logs.put(log.origin(), key) != null) {
                throw new IllegalArgumentException("two witnessed logs have the origin " + log.origin());
            }
        });
        Witness witness = new Witness(signer, logs, new StateStore(config.stateDirectory()), Clock.systemUTC(),
                (origin, reason) -> registry.counter(REFUSALS, "origin", origin, "reason", reason).increment());
        LOG.infof("witness %s witnesses %s; state in %s", signer.verifierKey().vkey(), logs.keySet(),
                config.stateDirectory());
        return witness;
    }
}
