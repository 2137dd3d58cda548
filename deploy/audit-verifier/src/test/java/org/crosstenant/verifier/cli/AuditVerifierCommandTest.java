package org.crosstenant.verifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.NoteSigner;
import org.crosstenant.verifier.service.Exports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's exit codes and what it prints: 0 verified, 1 failed naming the record, 2 usage or input error. */
class AuditVerifierCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return AuditVerifierCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void exitCodesAndMessages() throws IOException {
        Exports log = new Exports(12);
        String vkey = file("audit.vkey", log.logKey().vkey() + "\n").toString();
        String witness = file("witness.vkey", log.witnessKey().vkey()).toString();
        String previous = file("old.note", log.note(5, false)).toString();
        List<String> lines = log.lines(5L);
        String export = file("export.ndjson", String.join("\n", lines) + "\n").toString();

        assertThat(run("--log-key", vkey, "--witness-key", witness, "--previous", previous, export))
                .as(err.toString()).isEqualTo(AuditVerifierCommand.VERIFIED);
        assertThat(out.toString()).contains("verified: sequences 1 to 12", "cosigned by witness.fabrikam.example",
                "consistent with the previous checkpoint of 5 records");

        lines.set(3, lines.get(3).replace("policy.decided", "policy.revoked")); // sequence 2
        String edited = file("edited.ndjson", String.join("\n", lines) + "\n").toString();
        assertThat(run("--log-key", vkey, edited)).isEqualTo(AuditVerifierCommand.FAILED);
        assertThat(err.toString()).contains("FAILED line 4: record sequence 2 (recordId " + log.recordId(2) + ")",
                "does NOT verify");

        // usage and input errors
        assertThat(run(export)).isEqualTo(AuditVerifierCommand.INPUT_ERROR);
        assertThat(run("--log-key", dir.resolve("absent.vkey").toString(), export))
                .isEqualTo(AuditVerifierCommand.INPUT_ERROR);
        assertThat(run("--log-key", file("bad.vkey", "not a key").toString(), export))
                .isEqualTo(AuditVerifierCommand.INPUT_ERROR);
        assertThat(run("--log-key", vkey, dir.resolve("absent.ndjson").toString()))
                .isEqualTo(AuditVerifierCommand.INPUT_ERROR);
        NoteKey other = NoteSigner.generate("crosstenant.example/audit", NoteKey.ED25519).verifierKey();
        assertThat(run("--log-key", file("other.vkey", other.vkey()).toString(), "--previous", previous, export))
                .isEqualTo(AuditVerifierCommand.INPUT_ERROR);
        assertThat(err.toString()).contains("--previous", "not a checkpoint signed by the log key");
        // keys of the wrong kind: the log's key given as a witness would "verify" the log's own signature line
        assertThat(run("--log-key", vkey, "--witness-key", vkey, export)).isEqualTo(AuditVerifierCommand.INPUT_ERROR);
        assertThat(err.toString()).contains("not a witness cosignature key");
        assertThat(run("--log-key", witness, export)).isEqualTo(AuditVerifierCommand.INPUT_ERROR);

        // one line ending only: CRLF is not read as the same export
        String crlf = file("crlf.ndjson", String.join("\r\n", log.lines(5L)) + "\r\n").toString();
        assertThat(run("--log-key", vkey, crlf)).isNotEqualTo(AuditVerifierCommand.VERIFIED);
    }

    /** While the log rotates its key: {@code --log-key} is repeatable, and either pinned key verifies a co-signed export. */
    @Test
    void aCoSignedExportVerifiesWithTheOldTheNewOrBothKeysAndNotWithAnother() throws IOException {
        NoteSigner next = NoteSigner.generate("crosstenant.example/audit", NoteKey.ED25519);
        Exports log = new Exports(12).coSignedBy(next);
        String old = file("old.vkey", log.logKey().vkey()).toString();
        String nextKey = file("next.vkey", next.verifierKey().vkey()).toString();
        String export = file("export.ndjson", String.join("\n", log.lines(null)) + "\n").toString();

        assertThat(run("--log-key", old, export)).as(err.toString()).isEqualTo(AuditVerifierCommand.VERIFIED);
        assertThat(run("--log-key", nextKey, export)).as(err.toString()).isEqualTo(AuditVerifierCommand.VERIFIED);
        assertThat(run("--log-key", old, "--log-key", nextKey, export)).as(err.toString())
                .isEqualTo(AuditVerifierCommand.VERIFIED);
        assertThat(out.toString()).contains("signed by old.vkey or next.vkey");
        NoteKey other = NoteSigner.generate("crosstenant.example/audit", NoteKey.ED25519).verifierKey();
        assertThat(run("--log-key", file("other.vkey", other.vkey()).toString(), export))
                .isEqualTo(AuditVerifierCommand.FAILED);
        assertThat(err.toString()).contains("checkpoint: not signed by the log key");
    }
}
