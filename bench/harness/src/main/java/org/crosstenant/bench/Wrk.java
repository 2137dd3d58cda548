package org.crosstenant.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code wrk -t2 -c50 -d<seconds>s --latency} (optionally with a bearer token) and parses what it prints. */
final class Wrk {

    private final String binary;
    private final int threads;
    private final int connections;

    Wrk(String binary, int threads, int connections) {
        this.binary = binary;
        this.threads = threads;
        this.connections = connections;
    }

    /** The command line as the report prints it (without the token). */
    String describe(int seconds) {
        return "wrk -t" + threads + " -c" + connections + " -d" + seconds + "s --latency";
    }

    /**
     * Runs wrk against {@code url} for {@code seconds}.
     *
     * @param bearer a token sent as {@code Authorization: Bearer}, or null
     * @throws IllegalStateException when wrk fails or prints no figures
     */
    WrkResult run(String url, String bearer, int seconds) {
        List<String> command = new ArrayList<>(List.of(binary, "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s", "--latency"));
        if (bearer != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + bearer));
        }
        command.add(url);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("wrk exited with " + exit + ": " + output);
            }
            return WrkResult.parse(output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run wrk", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
