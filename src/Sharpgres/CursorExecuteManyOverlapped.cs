using Sharpgres.Protocol;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Results;
using Sharpgres.Queries;
using Sharpgres.Types;

namespace Sharpgres;

/// <summary>
/// ExecuteMany past its first chunk, for a statement known to return no rows: the next chunk is written before the
/// answers of the previous one are read, so the server never waits for the client between chunks and the client
/// encodes while the server executes. Chunks inside a group end with Flush, the group's last with Sync: a group is
/// one implicit transaction in autocommit, so a failing set stops everything after it (the server skips to the Sync)
/// and the sets before it in the group, rolled back with it, are replayed by the caller.
/// </summary>
public partial class Cursor<TRow>
{
    /// <summary>Chunks per group: the sets a failure rolls back and replays, and the round trips saved per group.</summary>
    private const int OverlappedGroupChunks = 16;

    /// <summary>
    /// The sets of one group (the first chunk is given, more are pulled with the caller's fill callback), how many of them
    /// completed, their row count, the error that stopped them and how many sets the failing statement carried (more
    /// than one when it was a rewritten multi-row INSERT). A set that can't be encoded, or an exception from the
    /// caller's sets, ends the group before its chunk is sent: the chunks already sent complete and the exception is
    /// rethrown.
    /// </summary>
    private readonly record struct GroupOutcome(List<BoundParameters> Sets, int Completed, long Rows, Error? Error, int FailingSets,
        bool ImplicitTransaction);

    /// <summary>A chunk sent and not yet read: its sets in the group, and how its statements map onto them.</summary>
    private readonly record struct SentChunk(int Statements, int MultiRowStatements, int RowsPerStatement)
    {
        public int SetsOf(int statementsDone) =>
            Math.Min(statementsDone, MultiRowStatements) * RowsPerStatement + Math.Max(0, statementsDone - MultiRowStatements);
    }

    /// <summary>The statement a run of binds goes to, parsed again only when the parameter types change.</summary>
    private sealed class StatementChoice(string sql)
    {
        public string Sql { get; } = sql;
        public uint[]? Oids;
        public string Name = "";
    }

    /// <remarks><paramref name="sets"/> is the caller's list, reused from group to group: it is cleared, then holds this group's sets.</remarks>
    private async ValueTask<GroupOutcome> RunOverlappedGroupAsync(string sql, MultiRowInsert? multiRow, List<BoundParameters> first, List<BoundParameters> sets,
        Action<List<BoundParameters>, int> fill, bool async, CancellationToken ct)
    {
        var session = Connection.Session;
        session.EnterOperation();
        var registration = session.RegisterCancellation(ct);
        var preparedNow = new List<(StatementCache.Entry Entry, string Name)>();
        try
        {
            var implicitTransaction = session.TransactionStatus == TransactionStatus.Idle;
            sets.Clear();
            sets.AddRange(first);
            var context = ReadContext;
            var format = ResultFormats.Uniform(session.Statements.ShapeOf(sql), ActiveTypes);
            var single = new StatementChoice(sql);
            var multi = multiRow is null ? null : new StatementChoice(multiRow.Sql);
            StatementCache.Entry? reused = null;
            WritePendingCloses(session);

            // Chunks sent and not yet read; at most two: the one the server is on and the next.
            var inFlight = new Queue<SentChunk>(2);
            var written = 0;
            var synced = false;
            var chunksLeft = OverlappedGroupChunks;
            Exception? stop = null;
            var completed = 0;
            var failingSets = 0;
            long rows = 0;
            Error? error = null;

            StatementChoice? unnamedHolder = null;   // whose Parse the unnamed statement holds now
            void Write(StatementChoice choice, in BoundParameters parameters, int runs)
            {
                if (choice.Oids is null || !Compatible(choice.Oids, parameters) || (choice.Name.Length == 0 && unnamedHolder != choice))
                {
                    choice.Name = ChooseStatement(session, choice.Sql, parameters, runs, preparedNow, ref reused);
                    choice.Oids = parameters.Oids;
                    if (choice.Name.Length == 0) unnamedHolder = choice;
                }
                // No Describe: the first chunk showed the statement returns no rows, and a prepared statement can't
                // change that (the server refuses a plan whose result type changed).
                session.Writer.WriteBind(choice.Name, parameters, format, context);
                session.Writer.WriteExecute("");
            }

            while (true)
            {
                if (!synced && stop is null && inFlight.Count < 2)
                {
                    // Write the chunk at `written`, then find out whether another follows to choose Flush or Sync.
                    var start = session.Writer.Position;
                    var count = sets.Count - written;
                    var perStatement = multiRow?.Rows ?? 1;
                    var multiRowStatements = multi is null ? 0 : count / perStatement;
                    var preparedBefore = preparedNow.Count;
                    try
                    {
                        for (var s = 0; s < multiRowStatements; s++)
                            Write(multi!, BoundParameters.Concat(sets, written + s * perStatement, perStatement), multiRowStatements);
                        for (var i = written + multiRowStatements * perStatement; i < sets.Count; i++)
                            Write(single, sets[i], count - multiRowStatements * perStatement);
                    }
                    catch (Exception e)
                    {
                        // Nothing of this chunk is sent; what was sent before it completes and commits at the Sync.
                        session.Writer.Truncate(start);
                        sets.RemoveRange(written, count);
                        for (var i = preparedBefore; i < preparedNow.Count; i++) session.Statements.Forget(preparedNow[i].Entry);
                        preparedNow.RemoveRange(preparedBefore, preparedNow.Count - preparedBefore);
                        stop = e;
                    }
                    if (stop is null)
                    {
                        inFlight.Enqueue(new SentChunk(multiRowStatements + count - multiRowStatements * perStatement, multiRowStatements, perStatement));
                        written += count;
                        try
                        {
                            if (--chunksLeft > 0) fill(sets, ExecuteManyChunk);
                        }
                        catch (Exception e)
                        {
                            // The caller's sets failed: the chunk written above still goes, ended by the Sync.
                            sets.RemoveRange(written, sets.Count - written);
                            stop = e;
                        }
                    }
                    synced = stop is not null || sets.Count == written;
                    if (synced) session.Writer.WriteSync(); else session.Writer.WriteFlush();
                    await session.FlushAsync(async, ct).ConfigureAwait(false);
                    if (inFlight.Count < 2 && !synced) continue;
                }
                if (inFlight.Count == 0) break;
                var chunk = inFlight.Dequeue();
                var answer = await ResultReader.ReadCountedAsync(session, chunk.Statements, context, async, ct).ConfigureAwait(false);
                completed += chunk.SetsOf(answer.Completed);
                rows += answer.Rows;
                if (answer.Error is not null)
                {
                    error = answer.Error;
                    failingSets = chunk.SetsOf(answer.Completed + 1) - chunk.SetsOf(answer.Completed);
                    if (!synced)
                    {
                        session.Writer.WriteSync();
                        await session.FlushAsync(async, ct).ConfigureAwait(false);
                    }
                    break;
                }
            }
            // Up to the Sync's ReadyForQuery: after an error the server answers nothing else before it.
            await ResultReader.ReadAsync(session, [], 1, context, async, ct).ConfigureAwait(false);
            foreach (var (entry, name) in preparedNow)
            {
                if (error is null) session.Statements.MarkPrepared(entry, name);
                else session.Statements.PendingCloses.Add(name);
            }
            if (error is null && stop is not null) throw stop;
            return new GroupOutcome(sets, completed, implicitTransaction && error is not null ? 0 : rows, error, failingSets, implicitTransaction);
        }
        finally
        {
            await EndOperationAsync(session, registration).ConfigureAwait(false);
        }
    }
}
