package org.crosstenant.stack.infra;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops a child process together with everything it started. Launch scripts such as Keycloak's kc.sh stay the
 * parent of the real JVM, so stopping only the direct child would leave orphans behind.
 */
public final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * A command prefix that runs the real command under a small sh which stops it when this JVM goes away, however
     * it goes (even SIGKILL): the pipe to the shell's stdin (ProcessBuilder's default) closes, {@code read} returns
     * and the command gets SIGTERM. The command runs in the background with stdin from /dev/null; the shell exits
     * with its status. Both ignore SIGINT: Ctrl-C in a terminal reaches the whole process group, and a wrapper
     * that died of it would orphan its command; the parent stops them in order with SIGTERM instead. Append the real
     * command's words to the returned list.
     */
    public static List<String> orphanGuard(String name) {
        return List.of("/bin/sh", "-c",
                // background jobs of a non-interactive sh get /dev/null as stdin, so the watcher reads a copy on fd 3
                "trap '' INT; exec 3<&0; \"$@\" 3<&- & child=$!; (read -r _ignored <&3; kill -TERM \"$child\" 2>/dev/null) & "
                        + "exec 3<&-; wait \"$child\"",
                name);
    }

    /** SIGTERM to the whole tree, then SIGKILL to whatever is still alive after the grace period. */
    public static void stop(Process process, Duration grace) {
        if (process == null) {
            return;
        }
        stop(process.toHandle(), grace);
    }

    public static void stop(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception timedOut) {
                // still alive after the grace period: forced below
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Waits until a TCP port on 127.0.0.1 accepts connections, failing early if the process died. */
    public static void awaitPort(Process process, int port, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!FreePorts.inUse(port)) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException(what + " exited with code " + process.exitValue() + " before listening on " + port);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not listen on port " + port + " within " + timeout);
            }
            pause(Duration.ofMillis(100));
        }
    }

    /** A short pause between polls of a condition (never used in place of waiting for a condition). */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
