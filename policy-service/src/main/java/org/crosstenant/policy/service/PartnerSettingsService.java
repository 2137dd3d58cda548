package org.crosstenant.policy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.messaging.OutboxRelay;
import org.crosstenant.policy.model.PartnerConfiguration;
import org.crosstenant.policy.model.PartnerSettings;
import org.crosstenant.policy.model.Party;
import org.crosstenant.policy.repository.PartnerConfigurationRepository;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/** Partner configurations: what a tenant lets in from, and out to, one partner tenant. */
@ApplicationScoped
public class PartnerSettingsService {

    private final PartnerConfigurationRepository configurations;
    private final OutboxWriter outbox;
    private final OutboxRelay relay;
    private final ObjectMapper mapper;

    public PartnerSettingsService(PartnerConfigurationRepository configurations, OutboxWriter outbox,
                                  OutboxRelay relay, ObjectMapper mapper) {
        this.configurations = configurations;
        this.outbox = outbox;
        this.relay = relay;
        this.mapper = mapper;
    }

    /** Stores the configuration (strictly validated); an identical PUT keeps the version and publishes nothing. */
    public Uni<PartnerConfiguration> put(String tenant, String partner, JsonNode body, Party by) {
        if (tenant.equals(partner)) {
            throw new InvalidInputException("a tenant cannot be its own partner: " + partner);
        }
        PartnerSettings settings = PartnerSettingsParser.parse(body);
        Map<String, Object> wire = settings.toWire();
        return Panache.withTransaction(() -> configurations.findForUpdate(tenant, partner).chain(existing -> {
                    if (existing != null && wire.equals(existing.settings)) {
                        return Uni.createFrom().item(existing);
                    }
                    PartnerConfiguration config = existing != null ? existing : newConfiguration(tenant, partner);
                    config.settings = wire;
                    config.version = config.version + 1;
                    config.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    config.updatedBy = by.subject();
                    return configurations.persist(config)
                            .call(saved -> outbox.append(PolicyEvents.PARTNER_CONFIGURATION_AGGREGATE,
                                    PolicyEvents.partnerConfigurationKey(tenant, partner),
                                    PolicyEvents.ACCESS_SETTINGS_CHANGED, PolicyEvents.POLICY_EVENTS_TOPIC,
                                    PolicyEvents.accessSettingsChanged(saved, by), saved.updatedAt));
                }))
                .invoke(relay::trigger);
    }

    public Uni<PartnerConfiguration> get(String tenant, String partner) {
        return Panache.withSession(() -> configurations.findByTenantAndPartner(tenant, partner))
                .onItem().ifNull().failWith(() -> new UnknownResourceException(
                        tenant + " has no partner configuration for " + partner));
    }

    /**
     * Reads stored settings back with the parser's structural rules ({@link PartnerSettingsParser#readStored}), which
     * accept everything a write accepted.
     */
    public PartnerSettings settingsOf(PartnerConfiguration config) {
        try {
            return PartnerSettingsParser.readStored(mapper.valueToTree(config.settings));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("stored settings of " + config.tenant + "/" + config.partner
                    + " are not JSON", e);
        }
    }

    /**
     * Reads settings stored as JSON text (as the batch decision path reads them) with
     * {@link PartnerSettingsParser#readStored}.
     *
     * @param tenant  configuring tenant (for the error message)
     * @param partner partner tenant (for the error message)
     * @param json    the stored {@code settings} column
     * @return the parsed settings
     * @throws IllegalStateException when the stored text is not valid settings (a database problem, not poison)
     */
    public PartnerSettings settingsOf(String tenant, String partner, String json) {
        try {
            return PartnerSettingsParser.readStored(mapper.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("stored settings of " + tenant + "/" + partner + " are not valid", e);
        }
    }

    private static PartnerConfiguration newConfiguration(String tenant, String partner) {
        PartnerConfiguration config = new PartnerConfiguration();
        config.id = UUID.randomUUID();
        config.tenant = tenant;
        config.partner = partner;
        config.version = 0;
        return config;
    }
}
