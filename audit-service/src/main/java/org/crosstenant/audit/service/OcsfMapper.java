package org.crosstenant.audit.service;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditTarget;
import org.crosstenant.audit.model.InitiatedBy;

/**
 * Maps an audit record to an OCSF 1.x event (Open Cybersecurity Schema Framework, schema {@value #OCSF_VERSION}):
 * Authentication (3002) for the gateway's sign-in-like access records, Account Change (3001) for a guest account's
 * creation and end, API Activity (6003) for everything else. A pure function of the record (so of its canonical,
 * leaf-hashed fields): the {@code audit.records.ocsf} topic and the export's {@code format=ocsf} both use it. Every
 * field is documented in docs/audit.md ("OCSF mapping"); what OCSF has no attribute for is in {@code unmapped}.
 */
@ApplicationScoped
public class OcsfMapper {

    /** The OCSF schema version the events follow ({@code metadata.version}). */
    public static final String OCSF_VERSION = "1.3.0";
    public static final int AUTHENTICATION = 3002;
    public static final int ACCOUNT_CHANGE = 3001;
    public static final int API_ACTIVITY = 6003;
    /** OCSF's activity id "Other", for a step no activity of its class names. */
    public static final int OTHER = 99;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<Integer, String> CLASS_NAMES = Map.of(AUTHENTICATION, "Authentication",
            ACCOUNT_CHANGE, "Account Change", API_ACTIVITY, "API Activity");
    private static final Map<Integer, String> CATEGORY_NAMES = Map.of(3, "Identity & Access Management",
            6, "Application Activity");

    /** Class and activity of one record. */
    private record Activity(int classUid, int id, String name) {
    }

    /**
     * The OCSF event of one record.
     *
     * @param record a served audit record (with its derived record-schema fields)
     * @return a new JSON object with every field OCSF requires for its class ({@code activity_id}, {@code category_uid},
     *         {@code class_uid}, {@code metadata}, {@code severity_id}, {@code time}, {@code type_uid}, and
     *         {@code user} for 3001/3002, {@code service} for 3002, {@code actor}, {@code api} and
     *         {@code src_endpoint} for 6003); times in epoch milliseconds
     */
    public ObjectNode toOcsf(AuditRecord record) {
        Activity activity = activity(record);
        int categoryUid = activity.classUid() / 1000;
        ObjectNode event = NODES.objectNode();
        event.put("category_uid", categoryUid);
        event.put("category_name", CATEGORY_NAMES.get(categoryUid));
        event.put("class_uid", activity.classUid());
        event.put("class_name", CLASS_NAMES.get(activity.classUid()));
        event.put("activity_id", activity.id());
        event.put("activity_name", activity.name());
        event.put("type_uid", activity.classUid() * 100L + activity.id());
        event.put("type_name", CLASS_NAMES.get(activity.classUid()) + ": " + activity.name());
        event.put("time", record.occurredAt().toEpochMilli());
        event.put("message", record.activity());
        severityAndStatus(event, record);
        event.set("metadata", metadata(record));
        event.set("actor", actor(record.initiatedBy()));
        String tenant = record.resourceTenant() != null ? record.resourceTenant() : record.tenants().get(0);
        ObjectNode cloud = event.putObject("cloud");
        cloud.put("provider", "self-hosted");
        cloud.putObject("account").put("uid", tenant);
        switch (activity.classUid()) {
            case AUTHENTICATION -> authentication(event, record);
            case ACCOUNT_CHANGE -> event.set("user", targetUser(record));
            default -> apiActivity(event, record);
        }
        event.set("unmapped", unmapped(record));
        return event;
    }

    private static Activity activity(AuditRecord r) {
        JsonNode d = r.details() == null ? NODES.objectNode() : r.details();
        return switch (r.action()) {
            case "gateway.access-allowed", "gateway.access-denied" -> new Activity(AUTHENTICATION, 1, "Logon");
            case "invitation.redeemed" -> new Activity(ACCOUNT_CHANGE, 1, "Create");
            case "invitation.revoked" -> new Activity(ACCOUNT_CHANGE, 6, "Delete");
            case "invitation.expired" -> "accepted".equals(d.path("previousStatus").asText())
                    ? new Activity(ACCOUNT_CHANGE, 5, "Disable") // a grant past its grantExpiresAt
                    : new Activity(API_ACTIVITY, 3, "Update");
            case "invitation.requested", "policy.application-registered" -> new Activity(API_ACTIVITY, 1, "Create");
            case "policy.application-removed" -> new Activity(API_ACTIVITY, 4, "Delete");
            case "policy.access-settings-changed" -> d.path("deleted").asBoolean(false)
                    ? new Activity(API_ACTIVITY, 4, "Delete") : new Activity(API_ACTIVITY, 3, "Update");
            case "invitation.approval-requested", "invitation.approved", "invitation.declined", "invitation.denied",
                    "policy.access-withdrawn" -> new Activity(API_ACTIVITY, 3, "Update");
            case "policy.decided" -> new Activity(API_ACTIVITY, OTHER, "Evaluate");
            default -> new Activity(API_ACTIVITY, OTHER, "Other");
        };
    }

    /** severity_id 1 Informational (2 Low for a failure, 0 Unknown when the result is); status_id from result. */
    private static void severityAndStatus(ObjectNode event, AuditRecord r) {
        String result = r.result() == null ? RecordSchema.UNKNOWN : r.result();
        int severity;
        int status;
        String statusName;
        switch (result) {
            case RecordSchema.SUCCESS -> {
                severity = 1;
                status = 1;
                statusName = "Success";
            }
            case RecordSchema.FAILURE -> {
                severity = 2;
                status = 2;
                statusName = "Failure";
            }
            case RecordSchema.TIMEOUT -> {
                severity = 1;
                status = OTHER;
                statusName = "Timeout";
            }
            default -> {
                severity = 0;
                status = 0;
                statusName = "Unknown";
            }
        }
        event.put("severity_id", severity);
        event.put("severity", switch (severity) {
            case 1 -> "Informational";
            case 2 -> "Low";
            default -> "Unknown";
        });
        event.put("status_id", status);
        event.put("status", statusName);
        if (r.resultReason() != null) {
            event.put("status_detail", r.resultReason());
        }
    }

    private static ObjectNode metadata(AuditRecord r) {
        ObjectNode metadata = NODES.objectNode();
        metadata.put("version", OCSF_VERSION);
        ObjectNode product = metadata.putObject("product");
        product.put("name", "audit-service");
        product.put("vendor_name", "crosstenant");
        metadata.put("uid", r.recordId().toString());
        if (r.correlationId() != null) {
            metadata.put("correlation_uid", r.correlationId());
        }
        metadata.put("original_time", r.occurredAt().toString());
        metadata.put("logged_time", r.recordedAt().toEpochMilli());
        metadata.put("log_name", "audit.records");
        metadata.put("sequence", r.sequence());
        metadata.put("tenant_uid", r.resourceTenant() != null ? r.resourceTenant() : r.tenants().get(0));
        metadata.putArray("labels").add(r.category());
        return metadata;
    }

    /** actor.user from initiatedBy's tenant and subject (when either is known), actor.app_name from its app. */
    private static ObjectNode actor(InitiatedBy by) {
        ObjectNode actor = NODES.objectNode();
        if (by.subject() != null || by.tenant() != null) {
            ObjectNode user = actor.putObject("user");
            user.put("uid", by.subject() != null ? by.subject() : "tenant:" + by.tenant());
            if (by.tenant() != null) {
                user.putObject("org").put("uid", by.tenant());
            }
        }
        actor.put("app_name", by.app() != null ? by.app() : "audit-service");
        return actor;
    }

    private static void authentication(ObjectNode event, AuditRecord r) {
        JsonNode actor = r.actor() == null ? NODES.objectNode() : r.actor();
        JsonNode d = r.details() == null ? NODES.objectNode() : r.details();
        ObjectNode user = event.putObject("user");
        String subject = actor.path("subject").isTextual() ? actor.path("subject").asText() : null;
        String email = actor.path("email").isTextual() ? actor.path("email").asText() : null;
        if (subject != null) {
            user.put("uid", subject);
        }
        user.put("name", email != null ? email : subject != null ? subject : "unknown");
        if (email != null) {
            user.put("email_addr", email);
        }
        if (r.homeTenant() != null) {
            user.putObject("org").put("uid", r.homeTenant());
        }
        ObjectNode service = event.putObject("service");
        service.put("name", r.application() != null ? r.application() : "unknown");
        event.put("is_remote", !RecordSchema.NONE.equals(r.crossTenantAccessType()));
        if (d.path("session").isTextual()) {
            event.putObject("session").put("uid", d.path("session").asText());
        }
        if (d.path("method").isTextual() || d.path("path").isTextual()) {
            ObjectNode request = event.putObject("http_request");
            if (d.path("method").isTextual()) {
                request.put("http_method", d.path("method").asText());
            }
            if (d.path("path").isTextual()) {
                request.putObject("url").put("path", d.path("path").asText());
            }
        }
    }

    /** 3001's user: the record's User target (the guest or invitee), by email (else subject) and tenant. */
    private static ObjectNode targetUser(AuditRecord r) {
        ObjectNode user = NODES.objectNode();
        AuditTarget target = r.targets().stream().filter(t -> "User".equals(t.type())).findFirst().orElse(null);
        String id = target == null ? null : target.id();
        user.put("name", id != null ? id : "unknown");
        if (id != null && id.contains("@")) {
            user.put("email_addr", id);
        }
        if (target != null && target.tenant() != null) {
            user.putObject("org").put("uid", target.tenant());
        }
        return user;
    }

    private static void apiActivity(ObjectNode event, AuditRecord r) {
        String app = r.initiatedBy().app() != null ? r.initiatedBy().app() : "audit-service";
        ObjectNode api = event.putObject("api");
        api.put("operation", r.action());
        api.putObject("service").put("name", app);
        event.putObject("src_endpoint").put("svc_name", app);
        ArrayNode resources = event.putArray("resources");
        for (AuditTarget target : r.targets()) {
            ObjectNode resource = resources.addObject();
            resource.put("type", target.type());
            resource.put("uid", target.id());
            if (target.tenant() != null) {
                resource.putObject("owner").putObject("org").put("uid", target.tenant());
            }
        }
    }

    /** Everything of the record that has no OCSF attribute above, under the record's own names. */
    private static ObjectNode unmapped(AuditRecord r) {
        ObjectNode unmapped = NODES.objectNode();
        unmapped.put("sequence", r.sequence());
        unmapped.put("leafIndex", r.leafIndex());
        ArrayNode tenants = unmapped.putArray("tenants");
        r.tenants().forEach(tenants::add);
        unmapped.put("action", r.action());
        unmapped.put("outcome", r.outcome());
        unmapped.put("category", r.category());
        unmapped.put("result", r.result());
        unmapped.put("crossTenantAccessType", r.crossTenantAccessType());
        unmapped.put("resourceTenant", r.resourceTenant());
        unmapped.put("homeTenant", r.homeTenant());
        unmapped.put("application", r.application());
        unmapped.put("invitationId", r.invitationId());
        unmapped.put("sourceEventId", r.sourceEventId().toString());
        unmapped.put("sourceType", r.sourceType());
        unmapped.put("hash", r.hash());
        unmapped.set("details", r.details() == null ? null : r.details().deepCopy()); // a copy: the event may be changed by its user, the record must not
        return unmapped;
    }
}
