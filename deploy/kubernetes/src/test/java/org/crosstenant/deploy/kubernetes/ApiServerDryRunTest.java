package org.crosstenant.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10 item 3: every object the chart renders (dev, production, dev with a witness) passes a server-side dry run
 * on real API servers — core kinds on kube-apiserver 1.20.2, custom resources with strict field validation on an
 * apiextensions-apiserver holding the real Strimzi, CloudNativePG and Keycloak CRDs — and the same servers refuse
 * broken objects. The servers are built from Debian packages and cached outside the work tree by
 * {@code apiserver/build.sh} (cold: tens of minutes; cached: under a second), started on loopback ports of their own
 * for this test and stopped after it (apiserver/README.md).
 */
class ApiServerDryRunTest {

    private static final Path SCRIPTS = RenderedManifestsTest.MODULE.resolve("apiserver");
    private static final Path LOGS = RenderedManifestsTest.MODULE.resolve("target/apiserver");
    private static final Map<String, String> ENV = new HashMap<>();

    @BeforeAll
    static void startServers() throws Exception {
        Files.createDirectories(LOGS);
        ENV.put("CROSSTENANT_K8S_RUN", LOGS.resolve("run").toString());
        // ports of their own, away from the defaults an operator's own servers may hold
        ENV.put("KUBE_APISERVER_PORT", "16443");
        ENV.put("KUBE_ETCD_PORT", "12379");
        ENV.put("APIEXT_PORT", "16444");
        ENV.put("APIEXT_ETCD_PORT", "12479");
        Path shared = RenderedManifestsTest.MODULE.resolve("../../../shared/k8s-crds").normalize();
        if (Files.isDirectory(shared)) {
            ENV.put("CROSSTENANT_SHARED_CRDS", shared.toString());
        }
        Run build = run(List.of(SCRIPTS.resolve("build.sh").toString()), "build", 90);
        assertThat(build.exit()).as("apiserver/build.sh (log: %s)\n%s", build.log(), build.tail()).isZero();
        Run start = run(List.of(SCRIPTS.resolve("start.sh").toString()), "start", 10);
        assertThat(start.exit()).as("apiserver/start.sh (log: %s)\n%s", start.log(), start.tail()).isZero();
    }

    @AfterAll
    static void stopServers() throws Exception {
        run(List.of(SCRIPTS.resolve("stop.sh").toString()), "stop", 5);
    }

    @Test
    void everyRenderedObjectPassesTheServersDryRun() throws Exception {
        for (String overlay : List.of("dev", "production", "dev-witness")) {
            Path file = RenderedManifestsTest.MODULE.resolve("target/rendered/" + overlay + ".yaml");
            int objects = Manifests.read(file).objects().size();
            Run check = validate(file, "validate-" + overlay);
            assertThat(lines(check, "FAIL")).as("%s: objects the servers refused", overlay).isEmpty();
            assertThat(lines(check, "OK")).as("%s: every object checked (log: %s)", overlay, check.log())
                    .hasSize(objects);
            assertThat(check.exit()).as("%s: validate.sh exit", overlay).isZero();
        }
    }

    @Test
    void theServersRefuseBrokenObjects(@TempDir Path tmp) throws Exception {
        // the sample of broken objects: unknown fields, wrong types, a selector mismatch, a CEL rule, an unknown kind
        Path bad = SCRIPTS.resolve("samples/bad.yaml");
        Run check = validate(bad, "validate-bad");
        assertThat(lines(check, "OK")).as("broken objects the servers accepted").isEmpty();
        assertThat(lines(check, "FAIL")).hasSize(Manifests.read(bad).objects().size());
        assertThat(check.exit()).isEqualTo(1);

        // and one of the chart's own objects with an unknown field
        String rendered = Files.readString(RenderedManifestsTest.MODULE.resolve("target/rendered/production.yaml"));
        String deployment = java.util.Arrays.stream(rendered.split("(?m)^---\\s*$"))
                .filter(doc -> doc.contains("\nkind: Deployment")).findFirst().orElseThrow();
        Path edited = tmp.resolve("edited.yaml");
        Files.writeString(edited, deployment.replaceFirst("(?m)^spec:\\n", "spec:\n  replicaz: 2\n"));
        Run one = validate(edited, "validate-edited");
        assertThat(lines(one, "FAIL")).singleElement().asString().contains("Deployment").contains("replicaz");
        assertThat(one.exit()).isEqualTo(1);
    }

    private static Run validate(Path file, String name) throws Exception {
        return run(List.of(SCRIPTS.resolve("validate.sh").toString(), "-n", "crosstenant", file.toString()), name, 15);
    }

    private static List<String> lines(Run run, String verdict) throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(run.log(), StandardCharsets.UTF_8)) {
            if (line.startsWith(verdict + " ")) {
                found.add(line);
            }
        }
        return found;
    }

    private static Run run(List<String> command, String name, int minutes) throws Exception {
        Path log = LOGS.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(ENV);
        Process process = builder.start();
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            throw new AssertionError(command + " did not finish within " + minutes + " min (log: " + log + ")");
        }
        return new Run(process.exitValue(), log);
    }

    /** A script's exit code and its output (stdout and stderr). */
    private record Run(int exit, Path log) {
        String tail() throws IOException {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
        }
    }
}
