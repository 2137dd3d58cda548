package org.crosstenant.gateway.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.model.AppRoute;
import org.crosstenant.gateway.model.ApplicationRegistered;
import org.crosstenant.gateway.model.ApplicationRemoved;
import org.crosstenant.gateway.model.GuestGrant;
import org.crosstenant.gateway.model.InvitationEvent;
import org.crosstenant.gateway.repository.LocalView;
import org.crosstenant.platform.model.EmailAddresses;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Turns the events the gateway consumes into view changes; types it does not need are ignored. */
@ApplicationScoped
public class ViewUpdater {

    public static final String APPLICATION_REGISTERED = "org.crosstenant.policy.application-registered.v1";
    /** Issue #8: the route goes (version-ordered against registrations of the same application). */
    public static final String APPLICATION_REMOVED = "org.crosstenant.policy.application-removed.v1";
    public static final String SETTINGS_CHANGED_V1 = "org.crosstenant.policy.access-settings-changed.v1";
    public static final String SETTINGS_CHANGED_V2 = "org.crosstenant.policy.access-settings-changed.v2";
    public static final String REDEEMED = "org.crosstenant.invitation.redeemed.v1";
    public static final String REVOKED = "org.crosstenant.invitation.revoked.v1";
    public static final String EXPIRED = "org.crosstenant.invitation.expired.v1";

    private static final Logger LOG = Logger.getLogger(ViewUpdater.class);

    private final LocalView view;
    private final ObjectMapper json;

    public ViewUpdater(LocalView view, ObjectMapper json) {
        this.view = view;
        this.json = json;
    }

    /**
     * Applies one event. Throws {@link IllegalArgumentException} for a payload of a used type that is missing, not
     * JSON, not an object or lacks what the gateway needs (the caller dead-letters it). A type the gateway does not
     * use, known or not, is ignored: topics carry other consumers' types and producers may add types.
     *
     * @return whether the type was one the gateway uses
     */
    public boolean apply(String type, String payload) {
        if (type == null) {
            return false;
        }
        switch (type) {
            case APPLICATION_REGISTERED -> view.putRoute(route(payload));
            case APPLICATION_REMOVED -> removal(payload);
            case SETTINGS_CHANGED_V2 -> settingsV2(tree(payload));
            case SETTINGS_CHANGED_V1 -> settingsV1(tree(payload));
            case REDEEMED -> view.putGrant(grant(payload));
            case REVOKED, EXPIRED -> view.endGrant(require(read(payload, InvitationEvent.class).invitationId(),
                    "invitationId"));
            default -> {
                return false;
            }
        }
        return true;
    }

    public AppRoute route(String payload) {
        ApplicationRegistered e = read(payload, ApplicationRegistered.class);
        return new AppRoute(require(e.tenant(), "tenant"), require(e.application(), "application"),
                upstreamUrl(require(e.upstreamUrl(), "upstreamUrl")), e.version() == null ? 0 : e.version(),
                Boolean.TRUE.equals(e.requireMfa()));
    }

    /**
     * application-removed.v1: the route of (tenant, application) goes, unless a newer registration was seen.
     * {@code version} is required: a removal that cannot be ordered against the registrations is refused (dead-letter)
     * rather than guessed.
     */
    private void removal(String payload) {
        ApplicationRemoved e = read(payload, ApplicationRemoved.class);
        if (e.version() == null) {
            throw new IllegalArgumentException("missing version");
        }
        view.removeRoute(require(e.tenant(), "tenant"), require(e.application(), "application"), e.version());
    }

    /**
     * access-settings-changed.v2: the pair's (or the default's, partner null) {@code effective} configuration is
     * stored as it is (consumers never merge); {@code deleted: true} forgets the pair.
     */
    private void settingsV2(JsonNode e) {
        String tenant = text(e, "tenant", true);
        String partner = text(e, "partner", false);
        JsonNode deleted = e.get("deleted");
        if (deleted != null && !deleted.isNull() && !deleted.isBoolean()) {
            throw new IllegalArgumentException("deleted is not a boolean");
        }
        if (deleted != null && deleted.asBoolean()) {
            view.forgetSettings(tenant, partner);
            return;
        }
        JsonNode effective = e.get("effective");
        if (effective == null || !effective.isObject()) {
            throw new IllegalArgumentException("missing effective (an object unless deleted)");
        }
        view.putSettings(tenant, partner, AccessSettingsReader.read(effective));
    }

    /** access-settings-changed.v1: the pair's effective settings are its v1 configuration, missing members blocked. */
    private void settingsV1(JsonNode e) {
        JsonNode settings = e.get("settings");
        if (settings == null || !settings.isObject()) {
            throw new IllegalArgumentException("missing settings");
        }
        view.putSettings(text(e, "tenant", true), text(e, "partner", true), AccessSettingsReader.readV1(settings));
    }

    private JsonNode tree(String payload) {
        JsonNode node = read(payload, JsonNode.class);
        if (!node.isObject()) {
            throw new IllegalArgumentException("payload is not a JSON object");
        }
        return node;
    }

    private static String text(JsonNode e, String field, boolean required) {
        JsonNode value = e.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing " + field);
            }
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw new IllegalArgumentException(field + " is not a non-blank string");
        }
        return value.textValue();
    }

    /** An application's upstream must be an absolute http(s) URL without query or fragment (paths are appended). */
    private static String upstreamUrl(String url) {
        try {
            java.net.URI uri = new java.net.URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("upstreamUrl is not an absolute http(s) URL without query: " + url);
            }
            return url;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("upstreamUrl is not a URL: " + e.getMessage(), e);
        }
    }

    public GuestGrant grant(String payload) {
        InvitationEvent e = read(payload, InvitationEvent.class);
        InvitationEvent.Guest guest = e.guest();
        if (guest == null) {
            throw new IllegalArgumentException("redeemed event without guest");
        }
        String invitee = e.invitee() == null ? null : EmailAddresses.canonicalOrNull(e.invitee().email());
        return new GuestGrant(require(e.invitationId(), "invitationId"), require(e.resourceTenant(), "resourceTenant"),
                require(e.application(), "application"), require(guest.tenant(), "guest.tenant"), guest.issuer(),
                require(guest.subject(), "guest.subject"), guest.email(), e.grantExpiresAt(),
                // no usable invitee address: the redeemer's, which invitation-service required to be the invitee's;
                // neither: null, and a domain list then refuses the guest (AccessPolicy)
                invitee != null ? invitee : EmailAddresses.canonicalOrNull(guest.email()));
    }

    private <T> T read(String payload, Class<T> type) {
        if (payload == null || payload.isBlank()) {
            throw new IllegalArgumentException("no payload (null or empty value)");
        }
        try {
            T value = json.readValue(payload, type);
            if (value == null) {
                throw new IllegalArgumentException("payload is JSON null");
            }
            return value;
        } catch (JsonProcessingException e) {
            LOG.debugf("unreadable %s payload: %s", type.getSimpleName(), e.getOriginalMessage());
            throw new IllegalArgumentException("unreadable payload: " + e.getOriginalMessage(), e);
        }
    }

    private static String require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value;
    }
}
