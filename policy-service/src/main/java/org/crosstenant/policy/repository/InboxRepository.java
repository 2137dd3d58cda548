package org.crosstenant.policy.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.InboxEntry;

import java.util.UUID;

@ApplicationScoped
public class InboxRepository implements PanacheRepositoryBase<InboxEntry, UUID> {
}
