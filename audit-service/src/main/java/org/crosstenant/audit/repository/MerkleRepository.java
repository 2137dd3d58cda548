package org.crosstenant.audit.repository;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import org.crosstenant.platform.tlog.MerkleFrontier;

/** Reads of the stored Merkle tree ({@code merkle_node}, the tree columns of {@code chain_head}); no locks taken. */
@ApplicationScoped
public class MerkleRepository {

    /** One stored perfect subtree: {@code 2^level} leaves from leaf {@code index * 2^level}. */
    public record NodeId(int level, long index) {
    }

    /** @return the tree's size and right edge as last committed */
    public Uni<MerkleFrontier> tree(SqlClient client) {
        return client.query("select tree_size, frontier from chain_head where id = 1").execute().map(rows -> {
            Row row = rows.iterator().next();
            return MerkleFrontier.decode(row.getLong(0), row.getBuffer(1).getBytes());
        });
    }

    /**
     * The hashes of the given subtrees, with one query.
     *
     * @return by node; a node that is not stored (yet) is absent
     */
    public Uni<Map<NodeId, byte[]>> nodes(SqlClient client, Collection<NodeId> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Short[] levels = new Short[ids.size()];
        Long[] indexes = new Long[ids.size()];
        int i = 0;
        for (NodeId id : ids) {
            levels[i] = (short) id.level();
            indexes[i++] = id.index();
        }
        return client.preparedQuery("select n.level, n.idx, n.hash from merkle_node n"
                        + " join unnest($1::smallint[], $2::bigint[]) as w(level, idx)"
                        + " on n.level = w.level and n.idx = w.idx")
                .execute(Tuple.of(levels, indexes))
                .map(rows -> {
                    Map<NodeId, byte[]> found = new HashMap<>();
                    rows.forEach(row -> found.put(new NodeId(row.getShort(0), row.getLong(1)),
                            row.getBuffer(2).getBytes()));
                    return found;
                });
    }

    /** @return the tenants of record {@code sequence}, null when there is no such record */
    public Uni<String[]> tenantsOf(SqlClient client, long sequence) {
        return client.preparedQuery("select tenants from audit_record where sequence = $1").execute(Tuple.of(sequence))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getArrayOfStrings(0));
    }
}
