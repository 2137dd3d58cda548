package org.crosstenant.deploy.kubernetes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Custom resources against their operators' CRD schemas. The CRDs are data outside the repository, read in place from
 * the directories listed in the system property {@code crosstenant.k8s.crds} (separated by the platform's path
 * separator; default {@code ../shared/k8s-crds} beside the repository, which holds CloudNativePG's and the Keycloak
 * Operator's, and {@code target/strimzi-crds}, Strimzi's, generated from Maven Central by this module's build). A
 * missing operator's CRDs fail the test naming the directories searched (a skipped check would pass unnoticed). The
 * checker itself is proven on an inline CRD, always.
 */
class CrdSchemasTest {

    static final String CRDS = System.getProperty("crosstenant.k8s.crds",
            RenderedManifestsTest.MODULE.resolve("../../../shared/k8s-crds").normalize()
                    // Strimzi's, generated from Maven Central by this module's build (pom.xml, strimzi-crds)
                    + File.pathSeparator + RenderedManifestsTest.MODULE.resolve("target/strimzi-crds"));

    /** @return the CRDs of every existing directory of {@link #CRDS} (none: the test fails, naming them) */
    static CrdSchemas operatorCrds() throws IOException {
        List<ObjectNode> crds = new ArrayList<>();
        for (String dir : CRDS.split(File.pathSeparator)) {
            if (Files.isDirectory(Path.of(dir))) {
                try (var files = Files.walk(Path.of(dir))) {
                    for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList()) {
                        crds.addAll(Manifests.read(f).objects());
                    }
                }
            }
        }
        assertThat(crds).as("operator CRDs in " + CRDS + " (set -Dcrosstenant.k8s.crds=DIR[:DIR])").isNotEmpty();
        return new CrdSchemas(crds);
    }

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
        CrdSchemas schemas = operatorCrds();
        assertThat(schemas.check(RenderedManifestsTest.overlay(overlay))).isEmpty();
    }

    @Test
    void anUnknownFieldOnARenderedClusterIsReported() throws IOException {
        CrdSchemas schemas = operatorCrds();
        assertThat(schemas.defines("postgresql.cnpg.io/v1/Cluster")).as("CloudNativePG CRDs in " + CRDS).isTrue();
        Manifests broken = RenderedManifestsTest.production.copy();
        ObjectNode cluster = broken.ofKind("Cluster").get(0);
        ((ObjectNode) cluster.path("spec")).put("instancess", 3);
        assertThat(schemas.check(broken))
                .containsExactly(Manifests.id(cluster) + " has unknown field spec.instancess");
    }

    @Test
    void aWrongStrimziResourceIsReported() throws IOException {
        CrdSchemas schemas = operatorCrds();
        assertThat(schemas.defines("kafka.strimzi.io/v1beta2/KafkaUser")).as("Strimzi CRDs in " + CRDS).isTrue();
        Manifests broken = RenderedManifestsTest.production.copy();
        ObjectNode user = broken.ofKind("KafkaUser").get(0);
        ObjectNode acl = (ObjectNode) user.path("spec").path("authorization").path("acls").get(0);
        ((ArrayNode) acl.path("operations")).add("Destroy");
        ObjectNode topic = broken.ofKind("KafkaTopic").get(0);
        ((ObjectNode) topic.path("spec")).put("partitions", "three");
        assertThat(schemas.check(broken)).containsExactlyInAnyOrder(
                Manifests.id(user) + " spec.authorization.acls[0].operations[2] is \"Destroy\", not one of "
                        + "[\"Read\",\"Write\",\"Create\",\"Delete\",\"Alter\",\"Describe\",\"ClusterAction\",\"AlterConfigs\",\"DescribeConfigs\",\"IdempotentWrite\",\"All\"]",
                Manifests.id(topic) + " spec.partitions must be an integer, is \"three\"");
    }
}
