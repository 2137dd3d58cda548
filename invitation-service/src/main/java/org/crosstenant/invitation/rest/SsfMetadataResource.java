package org.crosstenant.invitation.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.crosstenant.invitation.config.SsfConfig;
import org.crosstenant.invitation.service.SetSigner;
import org.crosstenant.invitation.service.SsfStreams;

/**
 * The public Shared Signals transmitter documents (no authentication): the transmitter configuration metadata
 * ({@code GET /.well-known/ssf-configuration}, SSF 1.0 §7.1: {@code spec_version}, {@code issuer}, {@code jwks_uri},
 * {@code delivery_methods_supported}, {@code authorization_schemes}, {@code default_subjects}) and the JWKS that
 * verifies the SETs ({@code GET /.well-known/ssf/jwks.json}, RFC 7517). No {@code configuration_endpoint}: streams are
 * managed per tenant under {@code /api/v1/tenants/{tenant}/ssf/streams} (docs/api.md), which a single SSF
 * configuration endpoint cannot name.
 */
@Path("/.well-known")
@Produces(MediaType.APPLICATION_JSON)
public class SsfMetadataResource {

    /** Where the JWKS is, below the issuer. */
    public static final String JWKS_PATH = "/.well-known/ssf/jwks.json";

    private final SetSigner signer;
    private final String issuer;

    public SsfMetadataResource(SetSigner signer, SsfConfig config) {
        this.signer = signer;
        this.issuer = config.issuer();
    }

    /** SSF 1.0 §7.1 transmitter configuration metadata. */
    @GET
    @Path("ssf-configuration")
    public Response configuration() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("spec_version", "1_0");
        metadata.put("issuer", issuer);
        metadata.put("jwks_uri", issuer + JWKS_PATH);
        metadata.put("delivery_methods_supported", List.of(SsfStreams.PUSH));
        // stream management takes the suite's OAuth 2.0 bearer tokens (a tenant admin's, through the gateway)
        metadata.put("authorization_schemes", List.of(Map.of("spec_urn", "urn:ietf:rfc:6750")));
        metadata.put("default_subjects", "ALL");
        return cached(metadata);
    }

    /** The SET signing key, {@code {"keys": [jwk]}}. */
    @GET
    @Path("ssf/jwks.json")
    public Response jwks() {
        return cached(Map.of("keys", List.of(signer.publicJwk())));
    }

    private static Response cached(Object body) {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(300);
        return Response.ok(body).cacheControl(cache).build();
    }
}
