package org.crosstenant.stack.infra.testing;

import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads PostgreSQL's {@code EXPLAIN (ANALYZE, FORMAT JSON)} output, for tests that pin how much of a table a query
 * reads: row counts do not depend on the machine's speed, so such a test is never a timed assertion.
 */
public final class ExplainPlans {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExplainPlans() {
    }

    /**
     * Rows every scan of {@code alias} looked at: for each plan node with that alias, (rows returned + rows removed by
     * its filter) × its loops, summed over the whole plan, subplans and init plans included.
     *
     * @param explainJson the single value {@code EXPLAIN (ANALYZE, FORMAT JSON)} returns (a one-element array)
     * @param alias       the table alias as written in the query
     * @return the number of rows read through that alias
     * @throws IllegalArgumentException when the JSON is not such a plan (no ANALYZE figures)
     * @throws UncheckedIOException     when the text is not JSON
     */
    public static long rowsRead(String explainJson, String alias) {
        JsonNode root;
        try {
            root = JSON.readTree(explainJson);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("not an EXPLAIN plan in JSON", e);
        }
        JsonNode plan = root.path(0).path("Plan");
        if (plan.isMissingNode() || !plan.has("Actual Loops")) {
            throw new IllegalArgumentException("not an EXPLAIN (ANALYZE, FORMAT JSON) plan: " + explainJson);
        }
        return rowsRead(plan, alias);
    }

    private static long rowsRead(JsonNode node, String alias) {
        long rows = 0;
        if (alias.equals(node.path("Alias").asText(null))) {
            rows += (node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong())
                    * node.path("Actual Loops").asLong();
        }
        for (JsonNode child : node.path("Plans")) {
            rows += rowsRead(child, alias);
        }
        return rows;
    }
}
