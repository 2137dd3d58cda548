package org.crosstenant.witness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The witness app with {@link TestLog}'s keys and a fresh state directory. */
public class WitnessProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            return Map.of(
                    "crosstenant.witness.signing-key", TestLog.WITNESS_KEY.skey(),
                    "crosstenant.witness.state-directory", Files.createTempDirectory("witness-state").toString(),
                    "crosstenant.witness.logs.audit.origin", TestLog.ORIGIN,
                    "crosstenant.witness.logs.audit.vkey", TestLog.LOG_KEY.verifierKey().vkey());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
