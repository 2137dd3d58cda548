package org.crosstenant.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Resident memory of a process and its descendants, read from /proc (Linux), for the start-up report. */
final class ProcessMemory {

    private ProcessMemory() {
    }

    static long residentMegabytes(ProcessHandle root) {
        return Stream.concat(Stream.of(root), root.descendants()).mapToLong(ProcessMemory::residentKilobytes).sum() / 1024;
    }

    private static long residentKilobytes(ProcessHandle process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process ended meanwhile, or this is not Linux: count nothing
        }
        return 0;
    }
}
