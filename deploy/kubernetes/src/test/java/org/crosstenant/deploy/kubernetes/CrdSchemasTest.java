package org.crosstenant.deploy.kubernetes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Custom resources against their operators' CRD schemas. The CloudNativePG and Keycloak Operator CRDs are data outside
 * the repository, read in place from the directory of the system property {@code crosstenant.k8s.crds} (default
 * {@code ../shared/k8s-crds} beside the repository); without it those tests are skipped with that message. The
 * checker itself is proven on an inline CRD, always.
 */
class CrdSchemasTest {

    static final Path CRDS = Path.of(System.getProperty("crosstenant.k8s.crds",
            RenderedManifestsTest.MODULE.resolve("../../../shared/k8s-crds").normalize().toString()));

    static final String TOY_CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.org}
            spec:
              group: example.org
              names: {kind: Widget, plural: widgets}
              scope: Namespaced
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec:
                          type: object
                          required: [size]
                          properties:
                            size: {type: integer}
                            mode: {type: string, enum: [fast, safe]}
                            port: {x-kubernetes-int-or-string: true}
                            labels: {type: object, additionalProperties: {type: string}}
                            free: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """;

    static Manifests widget(String spec) throws IOException {
        return Manifests.parse("apiVersion: example.org/v1\nkind: Widget\nmetadata: {name: w}\nspec: " + spec + "\n");
    }

    @Test
    void theCheckerAcceptsAValidObjectAndReportsEachKindOfMistake() throws IOException {
        CrdSchemas schemas = new CrdSchemas(Manifests.parse(TOY_CRD).objects());
        assertThat(schemas.check(widget("{size: 1, mode: safe, port: http, labels: {a: b}, free: {any: [1]}}"))).isEmpty();
        assertThat(schemas.check(widget("{size: one, mode: slow, sise: 2, labels: {a: 1}}"))).containsExactlyInAnyOrder(
                "Widget/w spec.size must be an integer, is \"one\"",
                "Widget/w spec.mode is \"slow\", not one of [\"fast\",\"safe\"]",
                "Widget/w has unknown field spec.sise",
                "Widget/w spec.labels.a must be a string, is 1");
        assertThat(schemas.check(widget("{mode: fast}"))).containsExactly("Widget/w spec lacks required field size");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "dev-witness", "production"})
    void cloudNativePgAndKeycloakResourcesFitTheirCrds(String overlay) throws IOException {
        assumeTrue(Files.isDirectory(CRDS), "no operator CRDs at " + CRDS + " (set -Dcrosstenant.k8s.crds=DIR)");
        CrdSchemas schemas = CrdSchemas.load(CRDS);
        assertThat(schemas.size()).isGreaterThanOrEqualTo(7);
        assertThat(schemas.check(RenderedManifestsTest.overlay(overlay))).isEmpty();
    }

    @Test
    void anUnknownFieldOnARenderedClusterIsReported() throws IOException {
        assumeTrue(Files.isDirectory(CRDS), "no operator CRDs at " + CRDS + " (set -Dcrosstenant.k8s.crds=DIR)");
        Manifests broken = RenderedManifestsTest.production.copy();
        ObjectNode cluster = broken.ofKind("Cluster").get(0);
        ((ObjectNode) cluster.path("spec")).put("instancess", 3);
        assertThat(CrdSchemas.load(CRDS).check(broken))
                .containsExactly(Manifests.id(cluster) + " has unknown field spec.instancess");
    }
}
