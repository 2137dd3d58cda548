package org.crosstenant.gateway.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Gives every tenant listed in {@code crosstenant.gateway.tenants} a complete {@code quarkus.oidc.<tenant>.*} block
 * with low priority, so adding a tenant is config only: list it (env {@code CROSSTENANT_GATEWAY_TENANTS}) and, if its
 * realm is not at {@code <oidc-base-url>/realms/<tenant>}, set {@code QUARKUS_OIDC_<TENANT>_AUTH_SERVER_URL}.
 * <p>
 * Why: a named OIDC tenant that exists only as env vars is invisible to Quarkus (an env var name cannot say where
 * the map key ends); once the dotted name exists in some source, the env var overrides it as usual.
 */
public class TenantDefaultsConfigSourceFactory implements ConfigSourceFactory {

    static final String TENANTS = "crosstenant.gateway.tenants";
    static final String BASE_URL = "crosstenant.gateway.oidc-base-url";
    static final String AUDIENCE = "crosstenant.gateway.oidc-audience";
    static final String JWK_REFRESH = "crosstenant.gateway.oidc-jwk-refresh-interval";
    /** Below application.properties (250) and env vars (300): explicit settings always win. */
    static final int ORDINAL = 60;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> tenants = tenants(value(context, TENANTS, "contoso,fabrikam"));
        String baseUrl = stripSlash(value(context, BASE_URL, "http://127.0.0.1:8180"));
        String audience = value(context, AUDIENCE, "crosstenant-gateway");
        return List.of(new PropertiesConfigSource(defaults(tenants, baseUrl, audience), "crosstenant-tenant-defaults",
                ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    static Map<String, String> defaults(List<String> tenants, String baseUrl, String audience) {
        Map<String, String> props = new HashMap<>();
        for (String tenant : tenants) {
            String p = "quarkus.oidc." + tenant + ".";
            props.put(p + "auth-server-url", baseUrl + "/realms/" + tenant);
            props.put(p + "application-type", "service");
            props.put(p + "token.audience", audience);
            props.put(p + "roles.role-claim-path", "realm_access/roles");
            // an unknown kid re-fetches the tenant's JWKS at most once per this interval (see application.properties)
            props.put(p + "token.forced-jwk-refresh-interval", "${" + JWK_REFRESH + ":1S}");
        }
        return props;
    }

    static List<String> tenants(String raw) {
        return java.util.Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    }

    private static String value(ConfigSourceContext context, String name, String fallback) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? fallback : v.getValue();
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
