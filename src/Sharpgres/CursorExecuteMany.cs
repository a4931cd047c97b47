using System.Runtime.CompilerServices;
using Sharpgres.Protocol;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Results;
using Sharpgres.Queries;
using Sharpgres.Types;

namespace Sharpgres;

/// <summary>
/// ExecuteMany: every parameter set's Bind/Describe/Execute is written without waiting, one Sync per chunk, so a
/// chunk costs one round trip. Each chunk is one implicit transaction on the server; in autocommit, when a set fails
/// the sets before it in its chunk are replayed, so exactly the sets before the failing one are committed. Once the
/// first chunk shows the statement returns no rows, later chunks overlap (CursorExecuteManyOverlapped.cs).
/// </summary>
public partial class Cursor<TRow>
{
    /// <summary>Parameter sets per round trip (and per implicit transaction in autocommit).</summary>
    internal const int ExecuteManyChunk = 1000;
    private const int ReturningChunk = 100;

    /// <summary>
    /// Executes the query once per parameter set (object?[], tuples, or objects/dictionaries for %(name)s), pipelined.
    /// RowCount is the total of affected rows; with <paramref name="returning"/> each statement's rows are a result
    /// set reached with NextSet() (psycopg's executemany(..., returning=True)).
    /// </summary>
    public Cursor<TRow> ExecuteMany<TParams>(string query, IEnumerable<TParams> parameterSets, bool returning = false)
    {
        ExecuteManyCoreAsync(query, parameterSets, returning, async: false, default).GetAwaiter().GetResult();
        return this;
    }

    /// <summary>psycopg's <c>await acur.executemany(query, params_seq, returning=)</c>: once per parameter set, pipelined a chunk per round trip; RowCount is the total.</summary>
    public async Task<Cursor<TRow>> ExecuteManyAsync<TParams>(string query, IEnumerable<TParams> parameterSets, bool returning = false,
        CancellationToken cancellationToken = default)
    {
        await ExecuteManyCoreAsync(query, parameterSets, returning, async: true, cancellationToken).ConfigureAwait(false);
        return this;
    }

    private protected virtual async ValueTask ExecuteManyCoreAsync<TParams>(string query, IEnumerable<TParams> parameterSets, bool returning,
        bool async, CancellationToken ct)
    {
        CheckOpen();
        if (Binding == Binding.Client)
        {
            await ExecuteManyClientSideAsync(query, parameterSets, returning, async, ct).ConfigureAwait(false);
            return;
        }
        Queries.StatementGuard.Check(query, "ExecuteMany");
        ResetResults();
        var parsed = ParseQuery(query);
        // One span for the whole ExecuteMany; in a pipeline the sets are queued and the Sync is the operation.
        var op = Connection.ActivePipeline is null ? OperationScope.Start(Connection, PgOperationKind.ExecuteMany, parsed.Sql) : default;
        try
        {
            var sets = await ExecuteManyRunAsync(parsed, parameterSets, returning, async, ct).ConfigureAwait(false);
            if (op.IsObserved) { op.SetBatchSize(sets); op.SetRows(_rowCount, returning); }
        }
        catch (Exception e) when (op.Fail(e)) { throw; }
        finally { op.Dispose(); }
    }

    /// <summary>Runs the parameter sets chunk by chunk; returns how many there were.</summary>
    private async ValueTask<int> ExecuteManyRunAsync<TParams>(ParsedQuery parsed, IEnumerable<TParams> parameterSets, bool returning,
        bool async, CancellationToken ct)
    {
        var all = new List<ResultSet>();
        long total = 0;
        var index = 0;
        var chunkSize = returning ? ReturningChunk : ExecuteManyChunk;
        var chunk = new List<BoundParameters>(chunkSize);
        using var sets = parameterSets.GetEnumerator();
        if (Connection.ActivePipeline is { } pipeline)
        {
            await QueueManyInPipelineAsync(pipeline, parsed, sets, returning, async, ct).ConfigureAwait(false);
            return 0;
        }
        var scratch = new BoundParameters.Scratch();
        var previous = default(BoundParameters);
        void Fill(List<BoundParameters> into, int count)
        {
            for (var i = 0; i < count && sets.MoveNext(); i++)
            {
                previous = BoundParameters.CreateLike(parsed, Arrange(sets.Current, parsed), ActiveTypes, scratch, previous);
                into.Add(previous);
            }
        }
        var overlap = false;
        List<BoundParameters>? groupSets = null;
        var multiRow = !returning && Connection.RewriteBatchedInserts && !parsed.IsRaw ? MultiRowInsert.For(parsed.Sql, parsed.ParameterCount) : null;
        while (true)
        {
            chunk.Clear();
            Fill(chunk, chunkSize);
            if (chunk.Count == 0) break;
            if (overlap)
            {
                // One list for every group's sets: it grows to a group's size once instead of once per group.
                groupSets ??= new List<BoundParameters>(chunk.Count * 2);
                var group = await RunOverlappedGroupAsync(parsed.Sql, multiRow, chunk, groupSets, Fill, async, ct).ConfigureAwait(false);
                if (group.Error is { } groupError)
                    await RecoverGroupAsync(parsed.Sql, group, groupError, index, async, ct).ConfigureAwait(false);
                total += group.Rows;
                index += group.Sets.Count;
                continue;
            }
            var notices = Connection.Session.NoticeCount;
            var results = await RunPlainChunkAsync(parsed.Sql, chunk, returning, index, async, ct).ConfigureAwait(false);
            foreach (var r in results) total += Math.Max(0, r.RowCount);
            if (returning) all.AddRange(results);
            index += chunk.Count;
            // Statements that return no rows may overlap their next chunks: their answers are small and bounded, so the
            // server never blocks writing them while the client is still writing the next chunk. Notices (a trigger
            // that raises one per row) would make them unbounded: such a statement keeps one round trip per chunk.
            overlap = !returning && results.Count == chunk.Count && results.TrueForAll(r => r.Description is null)
                && Connection.Session.NoticeCount == notices;
        }
        SetResults(returning ? all : [], total);
        if (returning && all.Count == 0) _rowCount = 0;
        return index;
    }

    /// <summary>
    /// One chunk in one round trip, its results; on a failure raises the server's error naming the failing set
    /// (<paramref name="index"/> is the chunk's first set), after committing the sets before it in autocommit.
    /// </summary>
    private async ValueTask<List<ResultSet>> RunPlainChunkAsync(string sql, List<BoundParameters> chunk, bool returning, int index,
        bool async, CancellationToken ct)
    {
        var outcome = await RunChunkAsync(sql, chunk, returning, async, ct).ConfigureAwait(false);
        if (outcome.Error is { } stale && outcome.ReusedPrepared is { } entry && outcome.ImplicitTransaction
            && outcome.Results.Count == 0 && IsStalePlan(stale))
        {
            // A statement prepared by an earlier chunk was deallocated or invalidated (DISCARD, DDL) and nothing of
            // this chunk ran: prepare it again, as Execute does.
            if (entry.PreparedName is { } old) Connection.Session.Statements.PendingCloses.Add(old);
            Connection.Session.Statements.Forget(entry);
            outcome = await RunChunkAsync(sql, chunk, returning, async, ct).ConfigureAwait(false);
        }
        if (outcome.Error is not { } error) return outcome.Results;
        var succeeded = outcome.Results.Count;
        throw await ChunkFailedAsync(error, index, succeeded, outcome.ImplicitTransaction,
            async () => (await RunChunkAsync(sql, chunk.GetRange(0, succeeded), returning, async, ct).ConfigureAwait(false)).Error, ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// The error to raise for a chunk whose set <paramref name="index"/> + <paramref name="succeeded"/> failed. In
    /// autocommit the chunk was rolled back as a whole, so the sets that had succeeded in it run again
    /// (<paramref name="replay"/>); only when that replay succeeds are they reported committed. A replay that fails
    /// (a concurrent writer, a lost connection) is rolled back too: its error is raised, saying that only the sets of
    /// the earlier chunks are committed.
    /// </summary>
    private static async ValueTask<Error> ChunkFailedAsync(Error error, int index, int succeeded, bool implicitTransaction,
        Func<ValueTask<Error?>> replay, CancellationToken ct)
    {
        var failed = index + succeeded;
        if (!implicitTransaction) return Annotate(error, $"ExecuteMany: parameter set {failed} (0-based) failed");
        if (IsCancellation(error, ct)) return CancelledAt(error, failed, index);
        if (succeeded > 0 && await replay().ConfigureAwait(false) is { } again)
            return Annotate(again, $"ExecuteMany: parameter set {failed} (0-based) failed ({error.SqlState}: {error.Diagnostics?.MessagePrimary ?? error.Message}), "
                + $"then running again the {succeeded} set(s) before it in its chunk failed too: only the {index} parameter set(s) before {index} are committed");
        return Annotate(error, $"ExecuteMany: parameter set {failed} (0-based) failed; the {failed} parameter set(s) before it were committed");
    }

    /// <summary>
    /// After an overlapped group failed: in autocommit the group was rolled back, so its sets before the failing
    /// statement run again, then the failing statement's sets one per statement, which finds and raises the exact
    /// failing set. In a transaction (aborted now) the error is raised naming the set, or the range of sets of a
    /// failing multi-row INSERT.
    /// </summary>
    private async ValueTask RecoverGroupAsync(string sql, GroupOutcome group, Error error, int index, bool async, CancellationToken ct)
    {
        var failed = index + group.Completed;
        var which = group.FailingSets > 1
            ? $"one of parameter sets {failed} to {failed + group.FailingSets - 1} (0-based, sent as one multi-row INSERT) failed"
            : $"parameter set {failed} (0-based) failed";
        if (!group.ImplicitTransaction) throw Annotate(error, "ExecuteMany: " + which);
        if (IsCancellation(error, ct)) throw CancelledAt(error, failed, index);
        for (var at = 0; at < group.Completed; at += ExecuteManyChunk)
            await RunPlainChunkAsync(sql, group.Sets.GetRange(at, Math.Min(ExecuteManyChunk, group.Completed - at)), false, index + at, async, ct)
                .ConfigureAwait(false);
        if (group.FailingSets > 1)
        {
            // Which set of the multi-row INSERT failed: its sets one per statement raise the exact one.
            await RunPlainChunkAsync(sql, group.Sets.GetRange(group.Completed, group.FailingSets), false, failed, async, ct).ConfigureAwait(false);
            var after = failed + group.FailingSets;
            throw Annotate(error, $"ExecuteMany: {which}; run again one per statement they succeeded, so the {after} parameter set(s) before {after} are committed");
        }
        throw Annotate(error, $"ExecuteMany: {which}; the {failed} parameter set(s) before it were committed");
    }

    /// <summary>The caller cancelled (or the server cancelled the statement): nothing is replayed, the chunk or group in flight is rolled back.</summary>
    private static bool IsCancellation(Error error, CancellationToken ct) => ct.IsCancellationRequested || error is Errors.QueryCanceled;

    private static Error CancelledAt(Error error, int failed, int committed) =>
        Annotate(error, $"ExecuteMany: cancelled at parameter set {failed} (0-based); the {committed} parameter set(s) before {committed} are committed, none after");

    /// <summary>In a pipeline every set is one more queued statement; the sets' results are collected at a Sync.</summary>
    private async ValueTask QueueManyInPipelineAsync<TParams>(Pipeline pipeline, ParsedQuery parsed, IEnumerator<TParams> sets,
        bool returning, bool async, CancellationToken ct)
    {
        var session = Connection.Session;
        var results = new List<ResultSet>();
        Error? failure = null;
        if (Connection.NeedsBegin) { pipeline.QueueCommand(Connection.BeginStatement()); pipeline.InTransaction = true; }
        var context = ReadContext;
        while (sets.MoveNext())
        {
            var parameters = BoundParameters.Create(parsed, Arrange(sets.Current, parsed), ActiveTypes);
            session.Writer.WriteParse("", parsed.Sql, parameters.Oids);
            session.Writer.WriteBind("", parameters, 0, context);
            session.Writer.WriteDescribe((byte)'P', "");
            session.Writer.WriteExecute("");
            pipeline.Enqueue(new Pipeline.PendingStatement(results.Add, e => failure ??= e, null));
        }
        await pipeline.SyncAsync(async, ct).ConfigureAwait(false);
        if (failure is not null) throw failure;
        long total = 0;
        foreach (var r in results) total += Math.Max(0, r.RowCount);
        SetResults(returning ? results : [], total);
    }

    private readonly record struct ChunkOutcome(List<ResultSet> Results, Error? Error, bool ImplicitTransaction, StatementCache.Entry? ReusedPrepared);

    /// <summary>
    /// One round trip: [BEGIN] (Parse when types change) Bind Describe Execute ... Sync. Without RETURNING the
    /// statement is prepared, as psycopg's executemany does once past prepare_threshold executions (each set counts):
    /// named, it is parsed once for all chunks and the server plans it once (generic plan) instead of once per set.
    /// Describe stays, so a statement that unexpectedly returns rows is still read correctly.
    /// </summary>
    private async ValueTask<ChunkOutcome> RunChunkAsync(string sql, List<BoundParameters> chunk, bool returning, bool async, CancellationToken ct)
    {
        var session = Connection.Session;
        session.EnterOperation();
        var registration = session.RegisterCancellation(ct);
        var preparedNow = new List<(StatementCache.Entry Entry, string Name)>();
        StatementCache.Entry? reused = null;
        try
        {
            var readyCount = 1;
            var start = session.Writer.Position;
            var begin = Connection.NeedsBegin;
            if (begin) { session.Writer.WriteQuery(Connection.BeginStatement()); readyCount++; }
            WritePendingCloses(session);
            var implicitTransaction = !begin && session.TransactionStatus == TransactionStatus.Idle;
            var shape = session.Statements.ShapeOf(sql);
            var format = ResultFormats.Uniform(shape, ActiveTypes);
            uint[]? parsedOids = null;
            var statement = "";
            var context = ReadContext;
            try
            {
                foreach (var parameters in chunk)
                {
                    if (parsedOids is null || !Compatible(parsedOids, parameters))
                    {
                        statement = ChooseStatement(session, sql, parameters, returning ? 0 : chunk.Count, preparedNow, ref reused);
                        parsedOids = parameters.Oids;
                    }
                    session.Writer.WriteBind(statement, parameters, format, context);
                    session.Writer.WriteDescribe((byte)'P', "");
                    session.Writer.WriteExecute("");
                }
                session.Writer.WriteSync();
            }
            catch
            {
                // A value that can't be encoded: nothing of this chunk is sent, and names chosen for it are not prepared.
                session.Writer.Truncate(start);
                foreach (var (entry, _) in preparedNow) session.Statements.Forget(entry);
                throw;
            }
            await session.FlushAsync(async, ct).ConfigureAwait(false);
            var results = new List<ResultSet>(chunk.Count + 1);
            var error = await ResultReader.ReadAsync(session, results, readyCount, context, async, ct).ConfigureAwait(false);
            if (begin && results.Count > 0 && results[0].CommandTag == "BEGIN") results.RemoveAt(0);
            if (results.Count > 0 && results[0].Description is { } d) session.Statements.RememberShape(sql, d);
            foreach (var (entry, name) in preparedNow)
            {
                // On an error the Parse may or may not have run: close the name (closing a missing one is no error).
                if (error is null) session.Statements.MarkPrepared(entry, name);
                else session.Statements.PendingCloses.Add(name);
            }
            if (error is null) session.Statements.Trim(Connection.PreparedMax);
            return new ChunkOutcome(results, error, implicitTransaction, reused);
        }
        finally
        {
            await EndOperationAsync(session, registration).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the Parse a run of sets needs, if any, and names the statement to bind them to.</summary>
    private string ChooseStatement(Session session, string sql, in BoundParameters parameters, int sets,
        List<(StatementCache.Entry, string)> preparedNow, ref StatementCache.Entry? reused)
    {
        var threshold = Connection.PrepareThreshold;
        if (threshold is null || sets == 0)
        {
            session.Writer.WriteParse("", sql, parameters.Oids);
            return "";
        }
        var entry = session.Statements.Touch(sql, parameters.Oids);
        entry.Executions += sets - 1;
        if (entry.PreparedName is { } prepared)
        {
            reused ??= entry;
            return prepared;
        }
        if (entry.Executions <= threshold)
        {
            session.Writer.WriteParse("", sql, parameters.Oids);
            return "";
        }
        foreach (var (pending, pendingName) in preparedNow)
            if (ReferenceEquals(pending, entry)) return pendingName;
        var name = session.Statements.NewName();
        session.Writer.WriteParse(name, sql, parameters.Oids);
        preparedNow.Add((entry, name));
        return name;
    }

    /// <summary>
    /// A Parse fixes parameter types: a later set may reuse it when each value has the same OID, is NULL, or is
    /// text the server will parse into whatever the parameter is.
    /// </summary>
    private static bool Compatible(uint[] parsed, in BoundParameters parameters)
    {
        if (ReferenceEquals(parsed, parameters.Oids)) return true;   // the sets share their choice (BoundParameters.CreateLike)
        for (var i = 0; i < parsed.Length; i++)
        {
            var oid = parameters.Oids[i];
            if (oid == parsed[i] || parameters.Values[i] is null) continue;
            if (oid == 0 && parameters.Formats[i] == PgFormat.Text) continue;
            return false;
        }
        return true;
    }

    /// <summary>One parameter set in $n order: an array or tuple is positional, an object or dictionary is named.</summary>
    private static object?[] Arrange<TParams>(TParams set, ParsedQuery parsed) => set switch
    {
        object?[] array => parsed.Arrange((object?[])array.Clone(), null),
        ITuple tuple => parsed.Arrange(Items(tuple), null),
        not null when parsed.Names is not null => parsed.Arrange(null, NamedArguments.From(set)),
        _ => parsed.Arrange([set], null),
    };

    private static object?[] Items(ITuple tuple)
    {
        var items = new object?[tuple.Length];
        for (var i = 0; i < items.Length; i++) items[i] = tuple[i];
        return items;
    }

    private static Error Annotate(Error error, string note) =>
        error.Diagnostics is { } d ? Error.FromDiagnostics(d, error.Message + "\n" + note) : error;
}
