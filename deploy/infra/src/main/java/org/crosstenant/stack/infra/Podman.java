package org.crosstenant.stack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The podman command line (Debian's podman 4.3) with a private configuration and store: nothing is written to
 * /etc/containers or to the system's image store. The settings are those seen to work on this machine kind
 * (shared/KUBERNETES.md "Images without Docker"): cgroupfs, runc, fixed ulimits, k8s-file logs, no network namespace
 * unless a run asks for one, and a signature policy that accepts the locally loaded images; overlay storage (seen to
 * work here as root on ext4), or vfs when {@code podman info} refuses overlay. Shared by the images' smoke test
 * (deploy/images) and the Testcontainers walk (deploy/testcontainers), which also serves this configuration as a
 * Docker-compatible API ({@link #startService(Path)}).
 */
public final class Podman {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

    private final Path conf;
    private final Map<String, String> env;

    private Podman(Path conf, Map<String, String> env) {
        this.conf = conf;
        this.env = env;
    }

    /** The outcome of one podman command. */
    public record Result(int exitCode, String out, String err) {
        /** @return this result if the exit code is 0 */
        public Result ok(List<String> command) {
            if (exitCode != 0) {
                throw new IllegalStateException("podman " + command + " exited with " + exitCode + ": " + err + out);
            }
            return this;
        }
    }

    /**
     * Writes the private configuration under {@code home/conf-<driver>} (containers.conf, storage.conf with the
     * store at {@code home/root-<driver>}, registries.conf without any registry, policy.json) and picks the storage
     * driver: overlay when {@code podman info} accepts it, else vfs.
     *
     * @param home a directory outside the work tree, e.g. ~/.cache/crosstenant/podman
     * @return a podman whose every command uses that configuration
     * @throws UncheckedIOException when the files cannot be written
     */
    public static Podman withPrivateConfig(Path home) {
        // overlay (kernel overlayfs) shares the image's layers with each container; vfs, the fallback, copies the
        // whole image for every container (seconds and hundreds of MB each)
        Podman overlay = configured(home, "overlay");
        Result probe = overlay.run("info", "--format", "{{.Store.GraphDriverName}}");
        if (probe.exitCode() == 0) {
            return overlay;
        }
        System.out.println("[podman] overlay storage refused here, using vfs: " + probe.err().strip());
        return configured(home, "vfs");
    }

    /** One configuration directory and store per driver: a store made by one driver refuses the other. */
    private static Podman configured(Path home, String driver) {
        try {
            Path conf = Files.createDirectories(home.resolve("conf-" + driver));
            Files.writeString(conf.resolve("containers.conf"), """
                    [containers]
                    default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
                    log_driver = "k8s-file"
                    netns = "none"

                    [engine]
                    cgroup_manager = "cgroupfs"
                    runtime = "runc"
                    events_logger = "file"
                    """);
            Files.writeString(conf.resolve("storage.conf"), """
                    [storage]
                    driver = "%s"
                    graphroot = "%s"
                    runroot = "%s"
                    """.formatted(driver, home.resolve("root-" + driver), home.resolve("runroot-" + driver)));
            // no registry at all: a short name never resolves to a pull
            Files.writeString(conf.resolve("registries.conf"), "unqualified-search-registries = []\n");
            Files.writeString(conf.resolve("policy.json"), """
                    {"default": [{"type": "reject"}],
                     "transports": {"docker-archive": {"": [{"type": "insecureAcceptAnything"}]},
                                    "containers-storage": {"": [{"type": "insecureAcceptAnything"}]}}}
                    """);
            return new Podman(conf, Map.of(
                    "CONTAINERS_CONF", conf.resolve("containers.conf").toString(),
                    "CONTAINERS_STORAGE_CONF", conf.resolve("storage.conf").toString(),
                    "CONTAINERS_REGISTRIES_CONF", conf.resolve("registries.conf").toString(),
                    "TMPDIR", Files.createDirectories(home.resolve("tmp")).toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads a docker-archive tar ({@code podman load -i}).
     *
     * @param tar the image tar Jib wrote
     * @return the image name podman reports ("Loaded image: NAME")
     * @throws IllegalStateException when podman fails or names no image
     */
    public String load(Path tar) {
        List<String> command = List.of("load", "--signature-policy", signaturePolicy().toString(),
                "-i", tar.toString());
        String out = run(command).ok(command).out();
        return out.lines().filter(line -> line.startsWith("Loaded image"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst()
                .orElseThrow(() -> new IllegalStateException("podman load named no image: " + out));
    }

    /**
     * Runs a podman command and waits for it.
     *
     * @param args the arguments after {@code podman}
     * @return its exit code and output
     * @throws IllegalStateException when it does not end within five minutes
     */
    public Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        try {
            Path out = Files.createTempFile("podman", ".out");
            Path err = Files.createTempFile("podman", ".err");
            try {
                Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("podman " + args + " did not end within " + COMMAND_TIMEOUT);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run podman (deploy/images/ensure-podman.sh installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@link #run(List)} from varargs. */
    public Result run(String... args) {
        return run(List.of(args));
    }

    /**
     * The environment every podman command of this configuration runs with (CONTAINERS_CONF,
     * CONTAINERS_STORAGE_CONF, CONTAINERS_REGISTRIES_CONF, TMPDIR).
     *
     * @return an unmodifiable map
     */
    public Map<String, String> environment() {
        return env;
    }

    /** @return the signature policy that accepts only docker-archive tars and the local store (no registry) */
    public Path signaturePolicy() {
        return conf.resolve("policy.json");
    }

    /**
     * Starts podman's Docker-compatible REST API ({@code podman system service --time=600 unix://SOCKET}) with this
     * configuration, e.g. for Testcontainers (DOCKER_HOST=unix://SOCKET). A stale socket file is removed first; the
     * service's output goes to {@code service.log} beside the configuration. The caller stops the returned process
     * (SIGTERM) when done; containers it started are the caller's to remove. Should the caller not get there, the
     * service does not outlive it: a shutdown hook stops it when the JVM exits, and after a SIGKILL (no hook runs)
     * it exits by itself once idle for ten minutes.
     *
     * @param socket the Unix socket to listen on (its directory is created)
     * @return the service process; it is listening once the socket answers {@code GET /_ping}
     * @throws UncheckedIOException when podman cannot be started
     */
    public Process startService(Path socket) {
        try {
            Files.createDirectories(socket.getParent());
            Files.deleteIfExists(socket);
            ProcessBuilder builder = new ProcessBuilder("podman", "system", "service", "--time=600",
                    "unix://" + socket);
            builder.environment().putAll(env);
            Path log = conf.resolve("service.log");
            Process service = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            Runtime.getRuntime().addShutdownHook(new Thread(service::destroy, "podman-service-stop"));
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start podman system service (is podman installed?)", e);
        }
    }
}
