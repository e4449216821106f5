// Test data for bench/compaction.ts, written offline by Cassandra's own CQLSSTableWriter (real Cassandra 5.0 output
// without a driver round trip per row). Three replicas r1 r2 r3 each get their own writers, one per statement kind
// (INSERT, UPDATE of two cells, row DELETE), so a replica holds several overlapping sstables and the replicas hold
// overlapping subsets of the rows at different timestamps: merging them has real reconciliation to do.
//
//   java -cp <classes>:<cassandra lib/*> CompactionData replicas <out> <partitions> <rowsPerPartition> <bufferMiB> <seed>
//   java -cp …                           CompactionData wide <out> <wideRows> <totalRows> <bufferMiB> <seed>
//
// Writes <out>/r{1,2,3}/{insert,update[,delete]}/<table>/…-Data.db. Deterministic for a seed.

import java.io.File;
import java.nio.ByteBuffer;
import java.util.Date;
import java.util.Random;
import java.util.UUID;

import org.apache.cassandra.io.sstable.CQLSSTableWriter;

public final class CompactionData {
    static final long BASE_MICROS = 1_700_000_000_000_000L;
    static final String[] WORDS = { "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet" };

    static final String ROWS_TABLE = "CREATE TABLE bench.t (pk bigint, ck int, v bigint, name text, amount double, ts timestamp, "
        + "id uuid, note text, payload blob, PRIMARY KEY (pk, ck)) WITH compression = {'class': 'LZ4Compressor', 'chunk_length_in_kb': 16}";
    static final String WIDE_TABLE = "CREATE TABLE bench.w (pk bigint, ck int, v bigint, payload blob, PRIMARY KEY (pk, ck)) "
        + "WITH compression = {'class': 'LZ4Compressor', 'chunk_length_in_kb': 16}";

    public static void main(String[] args) throws Exception {
        if (args.length < 1) throw new IllegalArgumentException("usage: CompactionData replicas|wide …");
        if (args[0].equals("replicas")) replicas(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Long.parseLong(args[5]));
        else if (args[0].equals("wide")) wide(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Long.parseLong(args[5]));
        else throw new IllegalArgumentException("unknown mode " + args[0]);
        System.exit(0); // the writers' executor threads would keep the JVM alive
    }

    static CQLSSTableWriter writer(String out, String replica, String kind, String table, String schema, String statement, int bufferMiB) {
        File dir = new File(out, replica + "/" + kind + "/" + table);
        if (!dir.mkdirs() && !dir.isDirectory()) throw new IllegalStateException("cannot create " + dir);
        return CQLSSTableWriter.builder().inDirectory(dir.getPath()).forTable(schema).using(statement).withBufferSizeInMiB(bufferMiB).build();
    }

    /** Payload bytes of one version: the same (row, timestamp) gives the same bytes on every replica holding it. */
    static ByteBuffer payload(long pk, int ck, long timestamp, int size) {
        byte[] b = new byte[size];
        new Random(pk * 31 + ck * 7919L + timestamp).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    static String note(Random rnd) {
        StringBuilder s = new StringBuilder();
        while (s.length() < 60) s.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
        return s.substring(0, 60);
    }

    static void replicas(String out, int partitions, int rowsPerPartition, int bufferMiB, long seed) throws Exception {
        String insert = "INSERT INTO bench.t (pk, ck, v, name, amount, ts, id, note, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";
        String update = "UPDATE bench.t USING TIMESTAMP ? SET amount = ?, v = ? WHERE pk = ? AND ck = ?";
        String delete = "DELETE FROM bench.t USING TIMESTAMP ? WHERE pk = ? AND ck = ?";
        CQLSSTableWriter[][] w = new CQLSSTableWriter[3][3];
        for (int r = 0; r < 3; r++) {
            w[r][0] = writer(out, "r" + (r + 1), "insert", "t", ROWS_TABLE, insert, bufferMiB);
            w[r][1] = writer(out, "r" + (r + 1), "update", "t", ROWS_TABLE, update, bufferMiB);
            w[r][2] = writer(out, "r" + (r + 1), "delete", "t", ROWS_TABLE, delete, bufferMiB);
        }
        Random rnd = new Random(seed);
        boolean[] holds = new boolean[3];
        for (int p = 0; p < partitions; p++) {
            long pk = rnd.nextLong();
            for (int ck = 0; ck < rowsPerPartition; ck++) {
                long ts = BASE_MICROS + (long) p * 1_000_000L + rnd.nextInt(1_000_000);
                // half the rows on all three replicas, 40 % on two, 10 % on one
                int pick = rnd.nextInt(10), missing = rnd.nextInt(3);
                for (int r = 0; r < 3; r++) holds[r] = pick < 5 || (pick < 9 ? r != missing : r == missing);
                UUID id = new UUID(pk, ck);
                String name = "name-" + p + "-" + ck;
                String note = note(rnd);
                for (int r = 0; r < 3; r++) {
                    if (!holds[r]) continue;
                    // a replica that missed the newest write holds an older version (other timestamp, other values)
                    long t = rnd.nextInt(4) == 0 ? ts - 1_000 - rnd.nextInt(1_000_000) : ts;
                    w[r][0].addRow(pk, ck, t, name, t / 1e6, new Date(t / 1000), id, note, payload(pk, ck, t, 120), t);
                }
                if (rnd.nextInt(100) < 15) { // an UPDATE-only row version on one replica, newer than every insert
                    long t = ts + 1_000_000 + rnd.nextInt(1_000);
                    w[rnd.nextInt(3)][1].addRow(t, t / 1e6, t, pk, ck);
                }
                if (rnd.nextInt(100) < 3) { // a row deletion on one replica, newest of all
                    long t = ts + 2_000_000;
                    w[rnd.nextInt(3)][2].addRow(t, pk, ck);
                }
            }
        }
        for (CQLSSTableWriter[] replica : w) for (CQLSSTableWriter x : replica) x.close();
    }

    /**
     * `totalRows` rows whatever the case: one partition (pk 0) of `wideRows` rows, the rest in partitions of 10 rows,
     * so only the partition width changes between cases. Each row is on two replicas of three; one replica in ten
     * also gets a newer `v` from a second writer (an UPDATE-only version in its own sstable).
     */
    static void wide(String out, int wideRows, int totalRows, int bufferMiB, long seed) throws Exception {
        String insert = "INSERT INTO bench.w (pk, ck, v, payload) VALUES (?, ?, ?, ?) USING TIMESTAMP ?";
        String update = "UPDATE bench.w USING TIMESTAMP ? SET v = ? WHERE pk = ? AND ck = ?";
        CQLSSTableWriter[] w = new CQLSSTableWriter[3], u = new CQLSSTableWriter[3];
        for (int r = 0; r < 3; r++) {
            w[r] = writer(out, "r" + (r + 1), "insert", "w", WIDE_TABLE, insert, bufferMiB);
            u[r] = writer(out, "r" + (r + 1), "update", "w", WIDE_TABLE, update, bufferMiB);
        }
        Random rnd = new Random(seed);
        for (int ck = 0; ck < wideRows; ck++) writeVersions(w, u, rnd, 0L, ck);
        for (long pk = 1; pk <= (totalRows - wideRows) / 10; pk++) for (int ck = 0; ck < 10; ck++) writeVersions(w, u, rnd, pk, ck);
        for (CQLSSTableWriter x : w) x.close();
        for (CQLSSTableWriter x : u) x.close();
    }

    static void writeVersions(CQLSSTableWriter[] w, CQLSSTableWriter[] u, Random rnd, long pk, int ck) throws Exception {
        long ts = BASE_MICROS + ck * 1_000L;
        int missing = rnd.nextInt(3);
        for (int r = 0; r < 3; r++) {
            if (r == missing) continue;
            long t = rnd.nextInt(4) == 0 ? ts - 1 - rnd.nextInt(999) : ts;
            w[r].addRow(pk, ck, t, payload(pk, ck, t, 32), t);
        }
        if (rnd.nextInt(10) == 0) u[rnd.nextInt(3)].addRow(ts + 1_000, ts + 1_000, pk, ck);
    }
}
