package org.crosstenant.gateway.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.crosstenant.gateway.config.GatewayConfig;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Mints the federated identity token (RS256, signed by the gateway) that replaces the caller's own token on every
 * proxied call. Signing costs far more than a map lookup, so a token is reused for the same identity + audience for
 * {@code cache-ttl} (well below its 60 s lifetime, so a cached token always has most of its life left).
 */
@ApplicationScoped
public class FederatedTokenService {

    private static final Logger LOG = Logger.getLogger(FederatedTokenService.class);
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final GatewayConfig.FederatedToken config;
    private final SigningKeys keys;
    private final ObjectMapper json;
    private final Clock clock;
    private final String encodedHeader;
    private final Map<CacheKey, Minted> cache = new ConcurrentHashMap<>();

    @Inject
    public FederatedTokenService(GatewayConfig config, ObjectMapper json) {
        this(config.federatedToken(), loadKeys(config.signingKey()), json, Clock.systemUTC());
    }

    FederatedTokenService(GatewayConfig.FederatedToken config, SigningKeys keys, ObjectMapper json, Clock clock) {
        this.config = config;
        this.keys = keys;
        this.json = json;
        this.clock = clock;
        this.encodedHeader = b64(write(Map.of("alg", "RS256", "typ", "JWT", "kid", keys.keyId())));
    }

    /** Outside CDI, with a chosen clock (unit tests). */
    public static FederatedTokenService forTests(GatewayConfig.FederatedToken config, SigningKeys keys,
            ObjectMapper json, Clock clock) {
        return new FederatedTokenService(config, keys, json, clock);
    }

    private static SigningKeys loadKeys(GatewayConfig.SigningKey location) {
        if (location.privateLocation().isEmpty()) {
            LOG.warn("crosstenant.gateway.signing-key.private-location is not set: signing federated tokens with an"
                    + " ephemeral key; services must then read the gateway's /.well-known/jwks.json");
            return SigningKeys.ephemeral();
        }
        return SigningKeys.load(location.privateLocation().get(), location.publicLocation().orElse(null));
    }

    /** Token for a call to one of the platform's services. */
    public String forServices(FederatedIdentity identity) {
        return token(new CacheKey(identity, config.servicesAudience(), null, false));
    }

    /** Token for a call to a shared application {@code resourceTenant/application}. */
    public String forApplication(FederatedIdentity identity, String resourceTenant, String application, boolean guest) {
        return token(new CacheKey(identity, resourceTenant + "/" + application, resourceTenant, guest));
    }

    public SigningKeys keys() {
        return keys;
    }

    private String token(CacheKey key) {
        Instant now = clock.instant();
        Minted cached = cache.get(key);
        if (cached != null && now.isBefore(cached.reuseUntil())) {
            return cached.token();
        }
        if (cache.size() >= config.cacheMaxEntries()) {
            cache.values().removeIf(m -> !now.isBefore(m.reuseUntil()));
            if (cache.size() >= config.cacheMaxEntries()) {
                cache.clear(); // bounded memory beats a perfect hit rate
            }
        }
        String token = sign(key, now);
        cache.put(key, new Minted(token, now.plus(config.cacheTtl())));
        return token;
    }

    private String sign(CacheKey key, Instant now) {
        FederatedIdentity id = key.identity();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", config.issuer());
        claims.put("aud", key.audience());
        claims.put("sub", id.subject());
        claims.put("tenant", id.tenant());
        claims.put("issuer", id.issuer());
        claims.put("email", id.email());
        // a guest's roles are from its home tenant: an application must never read them as its own
        claims.put("groups", key.guest() ? List.of() : id.roles());
        if (key.resourceTenant() != null) {
            claims.put("guest", key.guest());
            claims.put("resource_tenant", key.resourceTenant());
        }
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(config.lifetime()).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        String signingInput = encodedHeader + "." + b64(write(claims));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(keys.privateKey());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the federated token", e);
        }
    }

    private byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return B64URL.encodeToString(bytes);
    }

    private record CacheKey(FederatedIdentity identity, String audience, String resourceTenant, boolean guest) {
    }

    private record Minted(String token, Instant reuseUntil) {
    }

    /** Visible for the JWKS route. */
    public Map<String, Object> jwks() {
        return Map.of("keys", List.of(keys.publicJwk()));
    }
}
