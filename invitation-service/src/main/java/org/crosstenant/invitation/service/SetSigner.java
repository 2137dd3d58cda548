package org.crosstenant.invitation.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.config.SsfConfig;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import io.quarkus.runtime.Startup;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Signs Security Event Tokens (RFC 8417) with the transmitter's RS256 key (jose4j) and publishes its public JWK
 * (RFC 7517) with a {@code kid} (the key's RFC 7638 SHA-256 thumbprint). The key is the PKCS#8 RSA PEM at
 * {@code crosstenant.ssf.signing-key-location}; without one, a 2048-bit key is generated at start and logged as
 * ephemeral (refused when {@code crosstenant.ssf.signing-key-required}).
 */
// created at start, so a missing required key stops the service and an ephemeral one is logged at once
@Startup
@ApplicationScoped
public class SetSigner {

    private static final Logger LOG = Logger.getLogger(SetSigner.class);
    /** The JWS {@code typ} of a SET (RFC 8417 §2.3). */
    public static final String TYP = "secevent+jwt";

    private final RsaJsonWebKey key;

    public SetSigner(SsfConfig config) {
        try {
            RSAPrivateCrtKey privateKey;
            if (config.signingKeyLocation().isPresent()) {
                String pem = Files.readString(Path.of(config.signingKeyLocation().get()));
                PrivateKey decoded = KeyUtils.decodePrivateKey(pem, SignatureAlgorithm.RS256);
                if (!(decoded instanceof RSAPrivateCrtKey crt)) {
                    throw new IllegalStateException("crosstenant.ssf.signing-key-location must hold an RSA key");
                }
                privateKey = crt;
            } else if (config.signingKeyRequired()) {
                throw new IllegalStateException("crosstenant.ssf.signing-key-required is true but no "
                        + "crosstenant.ssf.signing-key-location is configured");
            } else {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                privateKey = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
                LOG.warn("No crosstenant.ssf.signing-key-location: Shared Signals SETs are signed with an EPHEMERAL key"
                        + " generated at start; receivers must re-read the JWKS after each restart");
            }
            RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            key = (RsaJsonWebKey) PublicJsonWebKey.Factory.newPublicJwk(publicKey);
            key.setPrivateKey(privateKey);
            key.setKeyId(key.calculateBase64urlEncodedThumbprint("SHA-256"));
            key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            key.setUse("sig");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read crosstenant.ssf.signing-key-location", e);
        } catch (GeneralSecurityException | JoseException e) {
            throw new IllegalStateException("unusable Shared Signals signing key", e);
        }
    }

    /**
     * Signs a SET.
     *
     * @param claims the JWT claims set, as JSON text
     * @return the compact JWS, header {@code alg} RS256, {@code typ} {@value #TYP}, {@code kid}
     */
    public String sign(String claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setHeader("typ", TYP);
        jws.setKey(key.getPrivateKey());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign SET", e);
        }
    }

    /** The public key as a JWK (RFC 7517) map: kty, n, e, kid, alg, use. */
    public Map<String, Object> publicJwk() {
        return key.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }
}
