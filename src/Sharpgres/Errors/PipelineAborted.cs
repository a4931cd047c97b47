namespace Sharpgres.Errors;

/// <summary>
/// A statement queued in a pipeline after one that failed: the server skipped it (psycopg's PipelineAborted).
/// Statements run again normally after the next Sync.
/// </summary>
public class PipelineAborted : OperationalError
{
    public PipelineAborted(string message = "pipeline aborted: an earlier statement in the pipeline failed", Diagnostics? diagnostics = null, Exception? inner = null)
        : base(message, diagnostics, inner) { }
}
