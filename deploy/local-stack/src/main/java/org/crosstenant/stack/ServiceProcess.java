package org.crosstenant.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.crosstenant.stack.infra.ProcessTree;

/** One built Quarkus service ({@code target/quarkus-app/quarkus-run.jar}) run as a child process. */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Process process;

    private ServiceProcess(String name, int port, Process process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    static Path artifact(Path repoRoot, String module) {
        return repoRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    static ServiceProcess start(String module, Path repoRoot, int port, Map<String, String> env, Path logDir,
            List<String> jvmOptions, boolean appendLog) {
        return start(module, module, repoRoot, port, env, logDir, jvmOptions, appendLog);
    }

    /**
     * Starts a built module under a name of its own (its log {@code <name>.log}): one module may run several times,
     * e.g. {@code deploy/witness} once per tenant.
     */
    static ServiceProcess start(String name, String module, Path repoRoot, int port, Map<String, String> env,
            Path logDir, List<String> jvmOptions, boolean appendLog) {
        Path jar = artifact(repoRoot, module);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(module + " is not built: " + jar + " is missing (run mvn package first)");
        }
        // stopped with the launcher even if the launcher is killed without a chance to clean up
        List<String> command = new ArrayList<>(ProcessTree.orphanGuard(name));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // StackSettings.JvmProfile: small heaps by default (four services share 2 cores), production for the bench
        command.addAll(jvmOptions);
        command.addAll(List.of("-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-jar", jar.toString()));
        try {
            Files.createDirectories(logDir);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(appendLog ? ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".log").toFile())
                            : ProcessBuilder.Redirect.to(logDir.resolve(name + ".log").toFile()));
            builder.environment().putAll(env);
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
            return new ServiceProcess(name, port, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** The service's JVM (the child of the orphan guard's shell), or the shell itself while the JVM is not forked yet. */
    ProcessHandle jvm() {
        return process.toHandle().children().findFirst().orElse(process.toHandle());
    }

    /** Completes when the process (its orphan guard) exits, for whatever reason. */
    java.util.concurrent.CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** Waits until the service's readiness check (database, Kafka, ...) answers 200. */
    void awaitReady(Duration timeout) {
        URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; see its log");
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            ProcessTree.pause(Duration.ofMillis(250));
        }
        throw new IllegalStateException(name + " not ready within " + timeout + ": " + last);
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public void close() {
        ProcessTree.stop(process, Duration.ofSeconds(20));
    }
}
