package org.crosstenant.stack.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Scanner;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class FreePortsTest {

    private static final int PICKS = 300;

    @Test
    void neverHandsOutTheSamePortTwice() {
        // a broker's client and controller listeners come from two calls in a row: equal ports fail its config
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            ports.add(FreePorts.pick());
        }
        assertEquals(500, ports.size());
    }

    @Test
    void handsOutNoPortThatABindToPortZeroCouldBeGiven() throws IOException {
        // another JVM's Quarkus test-port=0 or HttpServer on port 0 takes its port from the ephemeral range
        int ephemeralLow = FreePorts.ephemeralLow();
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(range)) {
            try (Scanner numbers = new Scanner(range)) {
                assertEquals(numbers.nextInt(), ephemeralLow, "the kernel's first ephemeral port");
            }
        }
        // a kernel whose ephemeral range starts below 21000 leaves nothing to check: pick() uses the kernel's choice
        assumeTrue(ephemeralLow - FreePorts.RANGE_LOW >= 1000,
                "this machine's ephemeral range starts at " + ephemeralLow + ": nothing below it to pick from");
        for (int i = 0; i < 200; i++) {
            int port = FreePorts.pick();
            assertTrue(port >= FreePorts.RANGE_LOW && port < ephemeralLow, port + " is not below " + ephemeralLow);
        }
    }

    @Test
    void twoJvmsNeverHoldTheSamePort() throws Exception {
        // mvn -T2 runs two modules' tests at once: without the cross-process reservation, 300 random picks on each
        // side of a ~12 700-port range share several ports
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PickingJvm.class.getName(), Integer.toString(PICKS))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            Set<Integer> theirs = new HashSet<>();
            for (int i = 0; i < PICKS; i++) {
                String line = lines.readLine();
                assertNotNull(line, "port " + i + " of the other JVM");
                theirs.add(Integer.parseInt(line.trim()));
            }
            List<Integer> ours = new ArrayList<>();
            for (int i = 0; i < PICKS; i++) {
                ours.add(FreePorts.pick());
            }
            assertEquals(PICKS, theirs.size());
            List<Integer> shared = ours.stream().filter(theirs::contains).toList();
            assertTrue(shared.isEmpty(), "ports both JVMs hold: " + shared);
        } finally {
            child.getOutputStream().close(); // the other JVM holds its ports until its stdin ends
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    /** The other JVM: picks n ports, prints them one per line, and keeps them until its stdin ends. */
    public static final class PickingJvm {
        public static void main(String[] args) throws IOException {
            int n = Integer.parseInt(args[0]);
            for (int i = 0; i < n; i++) {
                System.out.println(FreePorts.pick());
            }
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the test closes the pipe
            }
        }
    }
}
