package org.crosstenant.witness.config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

    /**
     * Micrometer name of the alarm counter, {@code crosstenant_witness_refusals_total{origin,reason}}: only evidence
     * against a log, a checkpoint verified with its key that is a {@code split-view} or {@code inconsistent}.
     */
    public static final String REFUSALS = "crosstenant.witness.refusals";

    /**
     * Micrometer name of the counter of every other refused {@code add-checkpoint} request,
     * {@code crosstenant_witness_rejected_requests_total{reason}} ({@code malformed}, {@code too-large},
     * {@code unknown-origin}, {@code bad-signature}, {@code rollback}, {@code old-size}, {@code invalid}): anyone can
     * cause these, so they raise no alert; no origin label, as the caller chooses it.
     */
    public static final String REJECTED_REQUESTS = "crosstenant.witness.rejected.requests";

    /**
     * @param config   the configuration
     * @param registry where alarms are counted
     * @return the witness
     * @throws IllegalArgumentException for a malformed or wrong-typed key, or two logs with one origin
     */
    @Produces
    @ApplicationScoped
    @Startup
    Witness witness(WitnessConfig config, MeterRegistry registry) {
        NoteSigner signer = NoteSigner.parse(config.signingKey().trim());
        Map<String, List<NoteKey>> logs = new HashMap<>();
        config.logs().forEach((name, log) -> {
            List<NoteKey> keys = new ArrayList<>();
            keys.add(NoteKey.parse(log.vkey().trim()));
            for (String more : log.additionalVkeys().orElse(List.of())) {
                NoteKey key = NoteKey.parse(more.trim());
                if (!keys.contains(key)) {
                    keys.add(key);
                }
            }
            if (logs.put(log.origin(), keys) != null) {
                throw new IllegalArgumentException("two witnessed logs have the origin " + log.origin());
            }
        });
        Witness witness = Witness.withKeySets(signer, logs, new StateStore(config.stateDirectory()), Clock.systemUTC(),
                (origin, reason) -> registry.counter(REFUSALS, "origin", origin, "reason", reason).increment());
        LOG.infof("witness %s witnesses %s; state in %s", signer.verifierKey().vkey(), logs,
                config.stateDirectory());
        return witness;
    }
}
