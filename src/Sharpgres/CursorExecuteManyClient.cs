using Sharpgres.Protocol;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Queries;
using Sharpgres.Results;

namespace Sharpgres;

/// <summary>
/// A ClientCursor's ExecuteMany. psycopg runs executemany in pipeline mode (cursor.py _executemany_gen_pipeline), and a
/// ClientCursor's statements then go out as parameterless extended-protocol queries: so here each set is merged into
/// its own statement text, and a chunk of them (Parse, Bind, Describe, Execute each) goes out with one Sync in one
/// flush: a chunk costs one round trip, as the server-side ExecuteMany. The rules for failures are that path's too:
/// in autocommit a chunk is one implicit transaction, so the sets before the failing one are run again and are
/// committed, none after; in a transaction the error names the failing set and the transaction is aborted.
/// </summary>
public partial class Cursor<TRow>
{
    private async ValueTask ExecuteManyClientSideAsync<TParams>(string query, IEnumerable<TParams> parameterSets, bool returning,
        bool async, CancellationToken ct)
    {
        Queries.StatementGuard.Check(query, "ExecuteMany");
        ResetResults();
        var parsed = ParsedQuery.Get(query);
        var all = new List<ResultSet>();
        long total = 0;
        var index = 0;
        if (Connection.ActivePipeline is not null)
        {
            // Inside a pipeline every Execute is only queued: no round trip to save.
            foreach (var set in parameterSets)
            {
                await ExecuteCoreAsync(SqlLiteral.MergeValues(query, parsed, Arrange(set, parsed), Connection), null, null, null, async, ct).ConfigureAwait(false);
                index++;
            }
            SetResults([], 0);
            return;
        }
        var chunkSize = returning ? ReturningChunk : ExecuteManyChunk;
        var chunk = new List<string>(chunkSize);
        using var sets = parameterSets.GetEnumerator();
        while (true)
        {
            chunk.Clear();
            // Merging checks every value before anything of the chunk is sent.
            while (chunk.Count < chunkSize && sets.MoveNext())
                chunk.Add(SqlLiteral.MergeValues(query, parsed, Arrange(sets.Current, parsed), Connection));
            if (chunk.Count == 0) break;
            var results = await RunClientChunkAsync(chunk, index, async, ct).ConfigureAwait(false);
            foreach (var r in results) total += Math.Max(0, r.RowCount);
            if (returning) all.AddRange(results);
            index += chunk.Count;
        }
        SetResults(returning ? all : [], total);
        if (returning && all.Count == 0) _rowCount = 0;
    }

    /// <summary>One chunk of merged statements in one round trip; on a failure, the server's error naming the failing set.</summary>
    private async ValueTask<List<ResultSet>> RunClientChunkAsync(List<string> chunk, int index, bool async, CancellationToken ct)
    {
        var outcome = await SendClientChunkAsync(chunk, async, ct).ConfigureAwait(false);
        if (outcome.Error is not { } error) return outcome.Results;
        var succeeded = outcome.Results.Count;
        throw await ChunkFailedAsync(error, index, succeeded, outcome.ImplicitTransaction,
            async () => (await SendClientChunkAsync(chunk.GetRange(0, succeeded), async, ct).ConfigureAwait(false)).Error, ct)
            .ConfigureAwait(false);
    }

    /// <summary>[BEGIN] then Parse/Bind/Describe/Execute per statement, one Sync, one flush; results asked in text (each text is new to the server).</summary>
    private async ValueTask<ChunkOutcome> SendClientChunkAsync(List<string> chunk, bool async, CancellationToken ct)
    {
        var session = Connection.Session;
        session.EnterOperation();
        var registration = session.RegisterCancellation(ct);
        try
        {
            var readyCount = 1;
            var begin = Connection.NeedsBegin;
            if (begin) { session.Writer.WriteQuery(Connection.BeginStatement()); readyCount++; }
            WritePendingCloses(session);
            var implicitTransaction = !begin && session.TransactionStatus == TransactionStatus.Idle;
            var context = ReadContext;
            foreach (var sql in chunk)
            {
                session.Writer.WriteParse("", sql, []);
                session.Writer.WriteBind("", BoundParameters.Empty, ResultFormats.AllText, context);
                session.Writer.WriteDescribe((byte)'P', "");
                session.Writer.WriteExecute("");
            }
            session.Writer.WriteSync();
            await session.FlushAsync(async, ct).ConfigureAwait(false);
            var results = new List<ResultSet>(chunk.Count + 1);
            var error = await ResultReader.ReadAsync(session, results, readyCount, context, async, ct).ConfigureAwait(false);
            if (begin && results.Count > 0 && results[0].CommandTag == "BEGIN") results.RemoveAt(0);
            return new ChunkOutcome(results, error, implicitTransaction, null);
        }
        finally
        {
            await EndOperationAsync(session, registration).ConfigureAwait(false);
        }
    }
}
