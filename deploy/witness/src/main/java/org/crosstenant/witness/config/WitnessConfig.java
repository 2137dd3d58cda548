package org.crosstenant.witness.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The witness's configuration (prefix {@code crosstenant.witness}; env vars {@code CROSSTENANT_WITNESS_...}; see
 * docs/config/witness.md).
 */
@ConfigMapping(prefix = "crosstenant.witness")
public interface WitnessConfig {

    /**
     * The witness's own key, a secret: a C2SP tlog-cosignature Ed25519 key (type 0x04) in the signed-note private-key
     * text form {@code PRIVATE+KEY+<name>+<key ID>+<base64(0x04 || seed)>}
     * ({@code NoteSigner.generate(name, NoteKey.COSIGNATURE).skey()}). Required.
     */
    String signingKey();

    /** Where the latest cosigned checkpoint of each log is kept (one file per origin); created when missing. */
    Path stateDirectory();

    /** The logs it witnesses, by any name: each an origin and the vkey its checkpoints are signed with. */
    Map<String, Log> logs();

    /** Largest {@code add-checkpoint} body in bytes; a larger one is answered 413. */
    @WithDefault("16384")
    int maxBodyBytes();

    /** One witnessed log. */
    interface Log {

        /** The log's origin, the first line of its checkpoints, e.g. {@code crosstenant.example/audit}. */
        String origin();

        /** The log's verifier key, {@code <name>+<key ID>+<base64(0x01 || public key)>}. */
        String vkey();

        /**
         * More verifier keys of the same log, in the same form: while the log rotates its key it signs each
         * checkpoint with the old and the new one, and the witness accepts a checkpoint that any of its keys signed
         * (docs/operations.md). Absent: only {@link #vkey()}.
         */
        Optional<List<String>> additionalVkeys();
    }
}
