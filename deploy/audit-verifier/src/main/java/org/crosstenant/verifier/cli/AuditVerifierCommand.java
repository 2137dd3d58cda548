package org.crosstenant.verifier.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.InvalidNoteException;
import org.crosstenant.platform.tlog.NoteKey;
import org.crosstenant.platform.tlog.SignedNote;
import org.crosstenant.verifier.service.ExportVerifier;
import org.crosstenant.verifier.service.ExportVerifier.Report;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar audit-verifier.jar --log-key audit.vkey [--witness-key w.vkey]... [--previous old.note] export.ndjson}
 * (docs/audit.md "Offline verification"). Exit code 0: verified (a summary on stdout); 1: verification failed (each
 * finding on stderr, naming the line and the record's sequence and recordId); 2: usage or input error (a missing or
 * unreadable file, a key or previous checkpoint that does not parse or verify).
 */
@Command(name = "audit-verifier", mixinStandardHelpOptions = true, version = "audit-verifier 1",
        description = "Verifies an audit export (GET /api/v1/audit/export) offline: the checkpoint's signature and"
                + " cosignatures, every record's inclusion, the range's completeness and order, and consistency with"
                + " a checkpoint kept from before.")
public final class AuditVerifierCommand implements Callable<Integer> {

    /** Exit code: the export verified. */
    public static final int VERIFIED = 0;
    /** Exit code: the export did not verify. */
    public static final int FAILED = 1;
    /** Exit code: usage or input error. */
    public static final int INPUT_ERROR = 2;

    /** Largest key or note file read (a vkey is ~100 bytes, a signed note at most 64 KiB). */
    private static final long MAX_SMALL_FILE = SignedNote.MAX_BYTES;

    @Option(names = "--log-key", required = true, paramLabel = "FILE",
            description = "the log's verifier key (vkey text of GET /api/v1/audit/checkpoint/key), pinned;"
                    + " repeatable while the log rotates its key: a note signed by any of them verifies")
    List<Path> logKeys = new ArrayList<>();

    @Option(names = "--witness-key", paramLabel = "FILE",
            description = "a witness's verifier key; repeatable; every one given must have cosigned the checkpoint")
    List<Path> witnessKeys = new ArrayList<>();

    @Option(names = "--previous", paramLabel = "FILE",
            description = "a checkpoint (signed note) kept from before; the export must prove consistency with it"
                    + " (export with since=<its size>)")
    Path previous;

    @Parameters(index = "0", paramLabel = "EXPORT", description = "the NDJSON export; - for standard input")
    String export;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * @param args the command line
     * @return the exit code ({@link #VERIFIED}, {@link #FAILED}, {@link #INPUT_ERROR})
     */
    public static int run(String... args) {
        return new CommandLine(new AuditVerifierCommand()).execute(args);
    }

    /**
     * @param out  where the summary goes
     * @param err  where findings and errors go
     * @param args the command line
     * @return the exit code ({@link #VERIFIED}, {@link #FAILED}, {@link #INPUT_ERROR})
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new AuditVerifierCommand()).setOut(out).setErr(err).execute(args);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ExportVerifier verifier;
        try {
            List<NoteKey> keys = new ArrayList<>();
            for (Path logKey : logKeys) {
                NoteKey key = key(logKey, "--log-key");
                if (key.type() != NoteKey.ED25519) {
                    throw new InputError("--log-key " + logKey + ": not a log's signing key (type 0x01), a"
                            + " witness's?");
                }
                keys.add(key);
            }
            List<NoteKey> witnesses = new ArrayList<>();
            for (Path witness : witnessKeys) {
                NoteKey cosigner = key(witness, "--witness-key");
                // a log key would "verify" its own signature line and pass for a witness that never cosigned
                if (cosigner.type() != NoteKey.COSIGNATURE) {
                    throw new InputError("--witness-key " + witness + ": not a witness cosignature key (C2SP"
                            + " tlog-cosignature, type 0x04)");
                }
                witnesses.add(cosigner);
            }
            Checkpoint kept = null;
            if (previous != null) {
                try {
                    kept = ExportVerifier.trustedCheckpoint(small(previous, "--previous"), keys);
                } catch (InvalidNoteException | IllegalArgumentException e) {
                    throw new InputError("--previous " + previous + ": not a checkpoint signed by the log key ("
                            + e.getMessage() + ")");
                }
            }
            verifier = new ExportVerifier(keys, witnesses, kept);
        } catch (InputError e) {
            err.println("audit-verifier: " + e.getMessage());
            return INPUT_ERROR;
        }
        Report report;
        try (InputStream in = export.equals("-") ? System.in : Files.newInputStream(Path.of(export))) {
            report = verifier.verify(in);
        } catch (IOException e) {
            err.println("audit-verifier: cannot read " + export + ": " + e.getMessage());
            return INPUT_ERROR;
        }
        if (!report.verified()) {
            report.findings().forEach(finding -> err.println("FAILED " + finding));
            if (report.moreFindings() > 0) {
                err.println("FAILED … and " + report.moreFindings() + " more findings");
            }
            err.println("audit-verifier: the export does NOT verify");
            err.flush();
            return FAILED;
        }
        out.println("verified: sequences " + report.from() + " to " + report.to() + " of the checkpoint of "
                + report.treeSize() + " records; " + report.ownRecords() + " records of tenant " + report.tenant()
                + ", " + report.otherLeaves() + " leaves of other tenants");
        out.println("signed by " + String.join(" or ", logKeys.stream().map(p -> p.getFileName().toString()).toList())
                + (report.witnesses().isEmpty() ? ""
                : "; cosigned by " + String.join(", ", report.witnesses())));
        if (report.consistentWith() != null) {
            out.println("consistent with the previous checkpoint of " + report.consistentWith() + " records");
        }
        out.flush();
        return VERIFIED;
    }

    private static NoteKey key(Path file, String option) {
        try {
            return NoteKey.parse(small(file, option).strip());
        } catch (IllegalArgumentException e) {
            throw new InputError(option + " " + file + ": not a verifier key (" + e.getMessage() + ")");
        }
    }

    private static String small(Path file, String option) {
        try {
            if (Files.size(file) > MAX_SMALL_FILE) {
                throw new InputError(option + " " + file + ": larger than " + MAX_SMALL_FILE + " bytes");
            }
            return Files.readString(file);
        } catch (IOException e) {
            throw new InputError(option + " " + file + ": cannot read it (" + e + ")");
        }
    }

    /** Something given on the command line cannot be used: exit code 2. */
    private static final class InputError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InputError(String message) {
            super(message);
        }
    }
}
