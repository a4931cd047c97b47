namespace Sharpgres.Errors;

/// <summary>
/// A statement queued in a pipeline after one that failed: the server skipped it (psycopg's PipelineAborted).
/// Statements run again normally after the next Sync.
/// </summary>
public class PipelineAborted : OperationalError
{
    /// <summary>Creates the exception for a statement the server skipped because an earlier one in the pipeline failed.</summary>
    /// <param name="message">The message; by default it says an earlier statement failed.</param>
    /// <param name="diagnostics">The server's fields, when the server reported the skip.</param>
    /// <param name="inner">The exception that caused this one, if any.</param>
    public PipelineAborted(string message = "pipeline aborted: an earlier statement in the pipeline failed", Diagnostics? diagnostics = null, Exception? inner = null)
        : base(message, diagnostics, inner) { }
}
