package org.crosstenant.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Memory of a process and its descendants for the start-up report, read from /proc (Linux): the proportional set
 * size (PSS), which shares memory pages among the processes that map them, so PostgreSQL's shared buffers are not
 * counted once per backend; the plain resident set size where PSS is not available.
 */
final class ProcessMemory {

    private ProcessMemory() {
    }

    static long residentMegabytes(ProcessHandle root) {
        return Stream.concat(Stream.of(root), root.descendants()).mapToLong(ProcessMemory::residentKilobytes).sum() / 1024;
    }

    /** This process alone, without its children. */
    static long ownResidentMegabytes() {
        return residentKilobytes(ProcessHandle.current()) / 1024;
    }

    /**
     * A server that detaches from its parent (PostgreSQL's pg_ctl does), found by a fragment of its command line,
     * with its worker processes.
     */
    static long residentMegabytesOfDetached(String commandLineFragment) {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().map(line -> line.contains(commandLineFragment)).orElse(false))
                .mapToLong(ProcessMemory::residentMegabytes)
                .sum();
    }

    private static long residentKilobytes(ProcessHandle process) {
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        long pss = field(proc.resolve("smaps_rollup"), "Pss:");
        return pss >= 0 ? pss : Math.max(field(proc.resolve("status"), "VmRSS:"), 0);
    }

    private static long field(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process ended meanwhile, or this is not Linux: count nothing
        }
        return -1;
    }
}
