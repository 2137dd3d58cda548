package org.crosstenant.invitation.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A tenant's registered Shared Signals receiver (SSF 1.0 §8 "stream"), pushed to per RFC 8935. */
@Entity
@Table(name = "ssf_stream")
public class SsfStream {

    @Id
    public UUID id;

    /** The tenant whose collab-admin registered it; it receives that tenant's revocations (as home or resource). */
    public String tenant;

    /** The {@code aud} of its SETs. */
    public String aud;

    @Column(name = "endpoint_url")
    public String endpointUrl;

    /** Sent as the {@code Authorization} header of each push; never shown again. */
    @Column(name = "authorization_header")
    public String authorizationHeader;

    /** JSON array of event type URIs. */
    @Column(name = "events_requested")
    public String eventsRequested;

    public String description;

    @Column(name = "created_at")
    public Instant createdAt;
}
