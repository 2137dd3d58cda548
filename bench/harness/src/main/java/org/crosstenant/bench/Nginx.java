package org.crosstenant.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The two nginx processes of the gateway-vs-nginx figure, each with its own configuration in a temporary directory,
 * on free loopback ports, started and stopped by this harness (by PID, SIGTERM then SIGKILL):
 * <ul>
 *   <li>the <b>static upstream</b>: one page ({@code index.html}) for every path; the bench's application is
 *       registered at the gateway with this upstream, so both paths end at the same server;</li>
 *   <li>the <b>baseline proxy</b>: nginx with one worker, proxying every request to that upstream over pooled
 *       keep-alive connections, without authentication.</li>
 * </ul>
 */
final class Nginx implements AutoCloseable {

    /** A marker in the static page, to tell it apart from any other answer. */
    static final String PAGE_MARKER = "crosstenant-bench-static-page";

    private final Path dir;
    private final int upstreamPort;
    private final int proxyPort;
    private final List<Process> processes = new ArrayList<>();

    private Nginx(Path dir, int upstreamPort, int proxyPort) {
        this.dir = dir;
        this.upstreamPort = upstreamPort;
        this.proxyPort = proxyPort;
    }

    static Nginx start(String binary) {
        try {
            Path dir = Files.createTempDirectory("crosstenant-bench-nginx");
            // the workers run as nobody when nginx is started as root: they must be able to read the page
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path www = Files.createDirectories(dir.resolve("www"));
            Files.setPosixFilePermissions(www, PosixFilePermissions.fromString("rwxr-xr-x"));
            StringBuilder page = new StringBuilder("<!doctype html><html><head><title>" + PAGE_MARKER
                    + "</title></head><body><h1>Static page</h1><p>");
            page.append("x".repeat(512)).append("</p></body></html>\n");
            Files.writeString(www.resolve("index.html"), page.toString());
            Nginx nginx = new Nginx(dir, freePort(), freePort());
            nginx.launch(binary, "upstream", nginx.config("upstream", 1, """
                    server {
                        listen 127.0.0.1:%d;
                        root %s;
                        location / { try_files /index.html =404; }
                    }
                    """.formatted(nginx.upstreamPort, www)), nginx.upstreamPort);
            nginx.launch(binary, "proxy", nginx.config("proxy", 1, """
                    upstream static_page { server 127.0.0.1:%d; keepalive 64; }
                    server {
                        listen 127.0.0.1:%d;
                        location / {
                            proxy_pass http://static_page;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                        }
                    }
                    """.formatted(nginx.upstreamPort, nginx.proxyPort)), nginx.proxyPort);
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nginx", e);
        }
    }

    /** The static upstream's base URL (what the bench's application is registered with). */
    String upstreamUrl() {
        return "http://127.0.0.1:" + upstreamPort;
    }

    /** The baseline proxy's processes: its master and its worker (for their CPU time, {@link ProcessCpu#tree}). */
    ProcessHandle proxyProcess() {
        return processes.get(1).toHandle();
    }

    /** The baseline proxy's base URL. */
    String proxyUrl() {
        return "http://127.0.0.1:" + proxyPort;
    }

    private Path config(String name, int workers, String servers) throws IOException {
        Path prefix = Files.createDirectories(dir.resolve(name));
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, """
                worker_processes %d;
                daemon off;
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    keepalive_requests 1000000;
                    client_body_temp_path %s/client_body;
                    proxy_temp_path %s/proxy;
                    fastcgi_temp_path %s/fastcgi;
                    uwsgi_temp_path %s/uwsgi;
                    scgi_temp_path %s/scgi;
                    default_type text/html;
                %s}
                """.formatted(workers, prefix, prefix, prefix, prefix, prefix, prefix, prefix, servers.indent(4)));
        return file;
    }

    private void launch(String binary, String name, Path config, int port) throws IOException {
        Path prefix = config.getParent();
        Process process = new ProcessBuilder(binary, "-p", prefix.toString(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile())
                .start();
        processes.add(process);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx (" + name + ") exited: "
                        + Files.readString(prefix.resolve("stdout.log")) + " " + readQuietly(prefix.resolve("error.log")));
            }
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Bench.pause(50);
            }
        }
        throw new IllegalStateException("nginx (" + name + ") not listening on " + port);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops both nginx masters (and so their workers) by PID and deletes the temporary directory. */
    @Override
    public void close() {
        for (Process process : processes) {
            ProcessHandle handle = process.toHandle();
            List<ProcessHandle> tree = new ArrayList<>(handle.descendants().toList());
            handle.destroy();
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    handle.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: left for the OS
        }
    }
}
