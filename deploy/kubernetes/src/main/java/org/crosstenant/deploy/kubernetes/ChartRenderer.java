package org.crosstenant.deploy.kubernetes;

import com.marcnuri.helm.Helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Renders the suite's Helm chart ({@code chart/crosstenant}) in-process with helm-java (Helm's own Go template engine
 * behind JNI), once per values file ({@code values-dev.yaml}, {@code values-production.yaml}), into
 * {@code <out>/dev.yaml} and {@code <out>/production.yaml}: what {@code helm template crosstenant chart/crosstenant
 * -n crosstenant -f values-<overlay>.yaml} prints.
 *
 * <p>Before rendering it copies the local stack's Keycloak realm files ({@code deploy/infra/src/main/resources/keycloak/
 * <tenant>-realm.json}, the one source of truth for the demo realms) into the chart's {@code files/realms/}
 * (gitignored), which the dev values turn into {@code KeycloakRealmImport}s.
 */
public final class ChartRenderer {

    /** The release name and namespace the rendered files are made for. */
    public static final String RELEASE = "crosstenant";

    /** The overlays: each is a values file {@code values-<name>.yaml} beside the chart, rendered to {@code <name>.yaml}. */
    public static final List<String> OVERLAYS = List.of("dev", "production");

    /**
     * The dev overlay once more with contoso's witness on ({@code dev-witness.yaml}), so the witness's objects are
     * rendered and checked too, and in the middle of both key rotations (docs/operations.md): the gateway publishes a
     * next public key, the services verify with a JWK set, a next checkpoint key co-signs and the witness knows both
     * log keys; and with every service's autoscaler, on consumer lag too where the chart allows it. The keys are
     * placeholders of the documented form, for rendering only.
     */
    public static final Map<String, Object> WITNESS_VARIANT = Map.ofEntries(
            Map.entry("witnesses.contoso.enabled", true),
            Map.entry("witnesses.contoso.vkey",
                    "witness.contoso.example+00000000+BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="),
            Map.entry("witnesses.contoso.logVkey",
                    "crosstenant.example/audit+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="),
            Map.entry("witnesses.contoso.logAdditionalVkeys[0]",
                    "crosstenant.example/audit+00000001+AQEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="),
            Map.entry("gatewayKey.additionalPublicKeys[0]", "next-public.pem"),
            Map.entry("gatewayKey.servicesVerifyWith", "jwks.json"),
            Map.entry("audit.additionalSigningKeysSecretKey", "next-signing-key"),
            // autoscalers (off in dev) for every service, and on consumer lag for those that share a consumer group
            Map.entry("services.gateway.autoscaling.enabled", true),
            Map.entry("services.invitation-service.autoscaling.enabled", true),
            Map.entry("services.policy-service.autoscaling.enabled", true),
            Map.entry("services.audit-service.autoscaling.enabled", true),
            Map.entry("consumerLagAutoscaling.enabled", true));

    private ChartRenderer() {
    }

    /**
     * Command line: {@code ChartRenderer <module directory> <output directory>}.
     *
     * @param args the module directory ({@code deploy/kubernetes}) and where to write the rendered files
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ChartRenderer <deploy/kubernetes directory> <output directory>");
        }
        Path module = Path.of(args[0]).toAbsolutePath().normalize();
        Path out = Path.of(args[1]).toAbsolutePath().normalize();
        for (String overlay : OVERLAYS) {
            long start = System.nanoTime();
            Path written = render(module, overlay, out);
            System.out.printf("rendered %s in %d ms%n", written, (System.nanoTime() - start) / 1_000_000);
        }
        System.out.println("rendered " + render(module, "dev", out, "dev-witness", WITNESS_VARIANT));
    }

    /**
     * Renders the chart with one overlay's values file.
     *
     * @param module  the {@code deploy/kubernetes} directory (holds {@code chart/crosstenant} and the values files)
     * @param overlay {@code dev} or {@code production}
     * @param out     the directory to write {@code <overlay>.yaml} into (created if missing)
     * @return the written file
     * @throws IOException           when the realm files cannot be copied or the output cannot be written
     * @throws IllegalStateException when Helm refuses the chart (template error, {@code required} value missing)
     */
    public static Path render(Path module, String overlay, Path out) throws IOException {
        return render(module, overlay, out, overlay, Map.of());
    }

    /**
     * Renders the chart with one overlay's values file and further values set on top ({@code --set}).
     *
     * @param module  the {@code deploy/kubernetes} directory
     * @param overlay {@code dev} or {@code production}
     * @param out     the directory to write into (created if missing)
     * @param name    the file name to write, without {@code .yaml}
     * @param sets    values to set, by dotted path
     * @return the written file
     * @throws IOException           when the realm files cannot be copied or the output cannot be written
     * @throws IllegalStateException when Helm refuses the chart
     */
    public static Path render(Path module, String overlay, Path out, String name, Map<String, Object> sets)
            throws IOException {
        Path chart = module.resolve("chart/crosstenant");
        Path values = module.resolve("chart/values-" + overlay + ".yaml");
        if (!Files.isRegularFile(values)) {
            throw new IllegalArgumentException("no values file " + values);
        }
        copyRealms(module, chart);
        String manifest;
        try {
            var template = Helm.template(chart.toString())
                    .withName(RELEASE)
                    .withNamespace(RELEASE)
                    .withValuesFile(values);
            sets.forEach(template::set);
            manifest = template.call();
        } catch (RuntimeException e) {
            throw new IllegalStateException("helm template of " + chart + " with " + values + " failed: "
                    + e.getMessage(), e);
        }
        Files.createDirectories(out);
        Path target = out.resolve(name + ".yaml");
        Files.writeString(target, manifest);
        return target;
    }

    /**
     * Copies {@code deploy/infra/src/main/resources/keycloak/*-realm.json} into {@code <chart>/files/realms/}.
     *
     * @param module the {@code deploy/kubernetes} directory
     * @param chart  the chart directory
     * @throws IOException when the realm directory is missing or a copy fails
     */
    static void copyRealms(Path module, Path chart) throws IOException {
        Path source = module.resolve("../infra/src/main/resources/keycloak").normalize();
        if (!Files.isDirectory(source)) {
            throw new IOException("the local stack's realm files are missing: " + source);
        }
        Path target = Files.createDirectories(chart.resolve("files/realms"));
        try (var files = Files.list(source)) {
            files.filter(f -> f.getFileName().toString().endsWith("-realm.json")).forEach(f -> {
                try {
                    Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
