package org.crosstenant.policy.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.crosstenant.policy.model.PartnerConfiguration;

import java.time.Instant;
import java.util.Map;

/** A partner configuration as the API shows it: the v1 form plus tenant, partner and version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PartnerConfigurationView(String tenant, String partner, long version, Object inbound, Object outbound,
                                       Instant updatedAt, String updatedBy) {

    static PartnerConfigurationView of(PartnerConfiguration config) {
        Map<String, Object> settings = config.settings;
        return new PartnerConfigurationView(config.tenant, config.partner, config.version,
                plain(settings.get("inbound")), plain(settings.get("outbound")), config.updatedAt, config.updatedBy);
    }

    /** Vert.x JSON types to plain maps/lists, which Jackson writes without knowing Vert.x. */
    private static Object plain(Object value) {
        if (value instanceof io.vertx.core.json.JsonObject object) {
            return object.getMap().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    Map.Entry::getKey, e -> plain(e.getValue()), (a, b) -> a, java.util.LinkedHashMap::new));
        }
        if (value instanceof io.vertx.core.json.JsonArray array) {
            return array.getList().stream().map(PartnerConfigurationView::plain).toList();
        }
        if (value instanceof Map<?, ?> map) {
            return plain(new io.vertx.core.json.JsonObject(castMap(map)));
        }
        if (value instanceof java.util.List<?> list) {
            return plain(new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(list)));
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
