package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The invitations-in consumer is a static member of its group (group.instance.id = policy.instance-id + channel),
 * which is what lets a restarted instance take its partitions back at once instead of after the session timeout.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class StaticMembershipTest {

    @Test
    void theConsumerJoinsWithItsInstanceId() {
        String instanceId = ConfigProvider.getConfig().getValue("policy.instance-id", String.class);
        assertFalse(instanceId.isBlank());
        String expected = instanceId + "-invitations-in";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaSupport.bootstrap()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("policy-service"))
                        .describedGroups().get("policy-service").get();
                return group.members().stream().map(MemberDescription::groupInstanceId)
                        .anyMatch(id -> id.equals(Optional.of(expected)));
            });
        }
    }
}
