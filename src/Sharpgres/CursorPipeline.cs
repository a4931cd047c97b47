using Sharpgres.Protocol;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Results;

namespace Sharpgres;

/// <summary>Execute inside a pipeline: the statement is queued and its result arrives at the next Sync.</summary>
public partial class Cursor<TRow>
{
    private bool _awaitingPipeline;
    private Error? _pipelineError;
    private Pipeline.PendingStatement? _pendingStatement;

    /// <summary>Writes [BEGIN] Parse/Bind/Describe/Execute without Sync and queues the cursor for the result.</summary>
    private void QueueInPipeline(Pipeline pipeline, string sql, in BoundParameters parameters, bool? prepare)
    {
        var session = Connection.Session;
        var start = session.Writer.Position;
        var queued = pipeline.PendingCount;
        var inTransaction = pipeline.InTransaction;
        if (Connection.NeedsBegin)
        {
            pipeline.QueueCommand(Connection.BeginStatement());
            pipeline.InTransaction = true;
        }
        WritePendingCloses(session);
        var plan = StatementPlan.Create(Connection, session, sql, parameters, prepare, ActiveTypes);
        try
        {
            plan.Write(session.Writer, parameters, ReadContext);
        }
        catch
        {
            // A value that can't be encoded leaves the pipeline as it was before this Execute.
            session.Writer.Truncate(start);
            pipeline.DropPendingAfter(queued);
            pipeline.InTransaction = inTransaction;
            plan.Failed();
            throw;
        }
        _awaitingPipeline = true;
        _pipelineError = null;
        _pendingStatement = new Pipeline.PendingStatement(
            result => { _awaitingPipeline = false; SetResults([result], result.RowCount); },
            error => { _awaitingPipeline = false; _pipelineError = error; },
            plan);
        pipeline.Enqueue(_pendingStatement);
    }

    /// <summary>
    /// A fetch on a result still in flight reads results up to it (psycopg flushes and fetches the same way). When an
    /// earlier statement failed, this one was skipped by the server: PipelineAborted, until the next Sync.
    /// </summary>
    private void AwaitPipelineResult()
    {
        if (_awaitingPipeline && Connection.ActivePipeline is { } pipeline && _pendingStatement is { } pending)
        {
            pipeline.FetchThroughAsync(pending, false, default).GetAwaiter().GetResult();
            if (_awaitingPipeline && pipeline.IsPending(pending)) throw new Errors.PipelineAborted();
        }
        if (_pipelineError is { } error)
        {
            _pipelineError = null;
            throw error;
        }
    }
}
