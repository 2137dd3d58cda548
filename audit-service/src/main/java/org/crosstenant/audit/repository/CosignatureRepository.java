package org.crosstenant.audit.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Verified witness cosignatures ({@code witness_cosignature}, V6__witness_cosignatures.sql): append-only. */
@ApplicationScoped
public class CosignatureRepository {

    /**
     * Stores a cosignature; one already stored for that witness and size is kept as it is.
     *
     * @param witness    the configured witness name
     * @param treeSize   the signed checkpoint's size
     * @param line       the signature line, with its newline
     * @param cosignedAt the cosignature's timestamp
     */
    public Uni<Void> insert(SqlClient client, String witness, long treeSize, String line, Instant cosignedAt) {
        return client.preparedQuery("insert into witness_cosignature (witness, tree_size, line, cosigned_at,"
                        + " received_at) values ($1, $2, $3, $4, $5) on conflict do nothing")
                .execute(Tuple.of(witness, treeSize, line, cosignedAt.atOffset(ZoneOffset.UTC),
                        Instant.now().atOffset(ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** @return the cosignature lines of a checkpoint, by witness name */
    public Uni<List<String>> lines(SqlClient client, long treeSize) {
        return client.preparedQuery("select line from witness_cosignature where tree_size = $1 order by witness")
                .execute(Tuple.of(treeSize)).map(rows -> {
                    List<String> lines = new ArrayList<>(rows.size());
                    rows.forEach(row -> lines.add(row.getString(0)));
                    return lines;
                });
    }

    /** @return the largest size this witness cosigned, empty when none */
    public Uni<Optional<Long>> latestSize(SqlClient client, String witness) {
        return client.preparedQuery("select max(tree_size) from witness_cosignature where witness = $1")
                .execute(Tuple.of(witness)).map(rows -> Optional.ofNullable(rows.iterator().next().getLong(0)));
    }
}
