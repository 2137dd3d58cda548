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

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.crosstenant.gateway.config.GatewayConfig;
import org.crosstenant.gateway.model.AccessDecision;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Mints the federated identity token (RS256, signed by the gateway) that replaces the caller's own token on every
 * proxied call: {@code sub} = {@link FederatedIdentity#federatedSubject()} (unique under the gateway's issuer),
 * {@code home_sub} = the subject at home, {@code tenant}, {@code issuer}, {@code email} + {@code email_verified} only
 * when the home tenant vouches for the address, {@code groups}, and on application calls {@code guest} and
 * {@code resource_tenant} (docs/api.md). Signing costs far more than a map lookup, so a token is reused for exactly the same key - the whole
 * federated identity (tenant, issuer, subject, email, roles, session and the home token's expiry), the audience, the
 * resource tenant and the guest flag - for {@code cache-ttl} (well below its lifetime, so a cached token has most of
 * its life left). A token never outlives the home token it was minted for: its {@code exp} is the earlier of
 * {@code iat + lifetime} and the home token's {@code exp}, and it is not reused past that. The cache is bounded by
 * {@code cache-max-entries} (Caffeine). Metrics:
 * {@code crosstenant_gateway_token_cache_requests_total{cache="federated",result="hit|miss"}}.
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
    private final Cache<CacheKey, Minted> cache;
    private final Counter hits;
    private final Counter misses;

    @Inject
    public FederatedTokenService(GatewayConfig config, ObjectMapper json, MeterRegistry registry) {
        this(config.federatedToken(), loadKeys(config.signingKey()), json, Clock.systemUTC(), registry);
    }

    FederatedTokenService(GatewayConfig.FederatedToken config, SigningKeys keys, ObjectMapper json, Clock clock,
            MeterRegistry registry) {
        this.config = config;
        this.keys = keys;
        this.json = json;
        this.clock = clock;
        this.encodedHeader = b64(write(Map.of("alg", "RS256", "typ", "JWT", "kid", keys.keyId())));
        // entries leave memory after cache-ttl at the latest; reuse itself is decided with the service's clock
        this.cache = Caffeine.newBuilder().maximumSize(config.cacheMaxEntries())
                .expireAfterWrite(config.cacheTtl()).build();
        this.hits = TokenCacheMetrics.counter(registry, "federated", "hit");
        this.misses = TokenCacheMetrics.counter(registry, "federated", "miss");
    }

    /** Outside CDI, with a chosen clock (unit tests). */
    public static FederatedTokenService forTests(GatewayConfig.FederatedToken config, SigningKeys keys,
            ObjectMapper json, Clock clock) {
        return new FederatedTokenService(config, keys, json, clock, new SimpleMeterRegistry());
    }

    private static SigningKeys loadKeys(GatewayConfig.SigningKey location) {
        if (location.privateLocation().isEmpty()) {
            LOG.warn("crosstenant.gateway.signing-key.private-location is not set: signing federated tokens with an"
                    + " ephemeral key; services must then read the gateway's /.well-known/jwks.json");
            return SigningKeys.ephemeral();
        }
        return SigningKeys.load(location.privateLocation().get(), location.publicLocation().orElse(null),
                location.additionalPublicLocations().orElse(List.of()));
    }

    /** Token for a call to one of the platform's services. */
    public String forServices(FederatedIdentity identity) {
        return token(new CacheKey(identity, config.servicesAudience(), null, false, false, false, false));
    }

    /** Token for a call to a shared application {@code resourceTenant/application}. */
    public String forApplication(FederatedIdentity identity, String resourceTenant, String application, boolean guest) {
        return token(new CacheKey(identity, resourceTenant + "/" + application, resourceTenant, guest, false, false,
                false));
    }

    /**
     * Token for a call to a shared application, as an allowed access decision says: {@code guest} for a non-member,
     * {@code direct_connect} for a caller without grant, the home token's {@code acr}/{@code amr} only when the
     * decision says MFA is satisfied and trusted, {@code device_compliant: true} only when it says so.
     */
    public String forApplication(FederatedIdentity identity, String resourceTenant, String application,
            AccessDecision decision) {
        return token(new CacheKey(identity, resourceTenant + "/" + application, resourceTenant, decision.guest(),
                decision.directConnect(), decision.mfa(), decision.deviceCompliant()));
    }

    public SigningKeys keys() {
        return keys;
    }

    private String token(CacheKey key) {
        Instant now = clock.instant();
        Minted cached = cache.getIfPresent(key);
        if (cached != null && now.isBefore(cached.reuseUntil())) {
            hits.increment();
            return cached.token();
        }
        misses.increment();
        Instant exp = now.plus(config.lifetime());
        Instant homeExp = key.identity().expiresAt();
        if (homeExp != null && homeExp.isBefore(exp)) {
            exp = homeExp; // never outlive the caller's own token
        }
        String token = sign(key, now, exp);
        Instant reuseUntil = now.plus(config.cacheTtl());
        cache.put(key, new Minted(token, reuseUntil.isBefore(exp) ? reuseUntil : exp));
        return token;
    }

    private String sign(CacheKey key, Instant now, Instant exp) {
        FederatedIdentity id = key.identity();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", config.issuer());
        claims.put("aud", key.audience());
        // unique under this one issuer: the home sub is unique only within its tenant's identity provider
        claims.put("sub", id.federatedSubject());
        claims.put("home_sub", id.subject());
        claims.put("tenant", id.tenant());
        claims.put("issuer", id.issuer());
        if (id.email() != null) {
            // verified by the home tenant ("tenant") and in one of its own domains (VouchedEmails)
            claims.put("email", id.email());
            claims.put("email_verified", true);
        }
        // a guest's roles are from its home tenant: an application must never read them as its own
        claims.put("groups", key.guest() ? List.of() : id.roles());
        if (key.resourceTenant() != null) {
            claims.put("guest", key.guest());
            claims.put("resource_tenant", key.resourceTenant());
            if (key.directConnect()) {
                claims.put("direct_connect", true);
            }
        }
        if (key.mfa()) {
            // the home tenant's MFA, accepted by the resource tenant (AccessPolicy); never asserted otherwise
            if (id.acr() != null) {
                claims.put("acr", id.acr());
            }
            if (!id.amr().isEmpty()) {
                claims.put("amr", id.amr());
            }
        }
        if (key.deviceCompliant()) {
            claims.put("device_compliant", true);
        }
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", exp.getEpochSecond());
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

    private record CacheKey(FederatedIdentity identity, String audience, String resourceTenant, boolean guest,
            boolean directConnect, boolean mfa, boolean deviceCompliant) {
    }

    private record Minted(String token, Instant reuseUntil) {
    }

    /** The JWK set of the JWKS route: the signing key, then the additional public keys ({@link SigningKeys#publishedJwks()}). */
    public Map<String, Object> jwks() {
        return Map.of("keys", keys.publishedJwks());
    }
}
