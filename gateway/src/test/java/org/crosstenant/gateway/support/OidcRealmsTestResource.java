package org.crosstenant.gateway.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Several OIDC realms on one WireMock server (from quarkus-test-oidc-server; no Docker): discovery and JWKS for
 * contoso, fabrikam and northwind, each with its own RSA key, issuer {@code <base>/realms/<realm>} as Keycloak does.
 * Realm private keys and the gateway's signing key are written as PEM files whose paths are published as config,
 * so tests (another class loader) sign tokens with them.
 * <p>
 * northwind is NOT in application.properties: surefire adds it through env CROSSTENANT_GATEWAY_TENANTS only, which
 * proves a tenant can be added by config alone.
 */
public class OidcRealmsTestResource implements QuarkusTestResourceLifecycleManager {

    public static final List<String> REALMS = List.of("contoso", "fabrikam", "northwind");
    private static final ObjectMapper JSON = new ObjectMapper();

    private WireMockServer server;
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("gateway-oidc");
            server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
            server.start();
            String base = "http://127.0.0.1:" + server.port();
            Map<String, String> config = new HashMap<>();
            config.put("crosstenant.gateway.oidc-base-url", base);
            for (String realm : REALMS) {
                KeyPair pair = rsa();
                String issuer = base + "/realms/" + realm;
                String kid = realm + "-key";
                Map<String, Object> discovery = Map.of("issuer", issuer,
                        "jwks_uri", issuer + "/protocol/openid-connect/certs",
                        "token_endpoint", issuer + "/protocol/openid-connect/token",
                        "authorization_endpoint", issuer + "/protocol/openid-connect/auth",
                        "id_token_signing_alg_values_supported", List.of("RS256"));
                RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
                Map<String, Object> jwks = Map.of("keys", List.of(Map.of("kty", "RSA", "use", "sig", "alg", "RS256",
                        "kid", kid, "n", b64(pub.getModulus()), "e", b64(pub.getPublicExponent()))));
                server.stubFor(get(urlEqualTo("/realms/" + realm + "/.well-known/openid-configuration"))
                        .willReturn(aResponse().withHeader("Content-Type", "application/json")
                                .withBody(JSON.writeValueAsString(discovery))));
                server.stubFor(get(urlEqualTo("/realms/" + realm + "/protocol/openid-connect/certs"))
                        .willReturn(aResponse().withHeader("Content-Type", "application/json")
                                .withBody(JSON.writeValueAsString(jwks))));
                config.put("test.realm." + realm + ".private-key", write(realm + "-private.pem", "PRIVATE KEY",
                        pair.getPrivate().getEncoded()));
                config.put("test.realm." + realm + ".kid", kid);
                config.put("test.realm." + realm + ".issuer", issuer);
            }
            KeyPair gateway = rsa();
            config.put("crosstenant.gateway.signing-key.private-location",
                    write("gateway-private.pem", "PRIVATE KEY", gateway.getPrivate().getEncoded()));
            config.put("crosstenant.gateway.signing-key.public-location",
                    write("gateway-public.pem", "PUBLIC KEY", gateway.getPublic().getEncoded()));
            return config;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (Exception ignored) {
                // temp dir, best effort
            }
        }
    }

    private String write(String name, String type, byte[] der) throws Exception {
        String pem = "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        Path file = dir.resolve(name);
        Files.writeString(file, pem);
        return file.toString();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        return gen.generateKeyPair();
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
