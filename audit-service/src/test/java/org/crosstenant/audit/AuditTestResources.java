package org.crosstenant.audit;

import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Real Kafka, real PostgreSQL (database audit) and the federated token key, shared by every @QuarkusTest here. */
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
public final class AuditTestResources {
    private AuditTestResources() {
    }
}
