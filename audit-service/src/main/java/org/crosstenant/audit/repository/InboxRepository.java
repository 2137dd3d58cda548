package org.crosstenant.audit.repository;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;

import org.crosstenant.audit.model.InboxEntry;

@ApplicationScoped
@WithSession
public class InboxRepository implements PanacheRepositoryBase<InboxEntry, UUID> {
}
