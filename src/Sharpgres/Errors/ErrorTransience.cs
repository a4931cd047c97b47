using System.Data.Common;

namespace Sharpgres;

public partial class Error
{
    private DbBatchCommand? _batchCommand;
    private string? _batchNote;

    /// <summary>
    /// ADO.NET's retry hint (read by Polly, EF-style execution strategies): true for failures a retry may cure —
    /// connection failures (no SQLSTATE, or class 08), serialization failures (40001), deadlocks (40P01), the server
    /// shutting down or not yet accepting connections (57P01-57P05) and insufficient resources (class 53).
    /// </summary>
    public override bool IsTransient => SqlState switch
    {
        null => this is OperationalError,
        "40001" or "40P01" => true,
        _ => SqlState.StartsWith("08", StringComparison.Ordinal) || SqlState.StartsWith("53", StringComparison.Ordinal)
            || SqlState.StartsWith("57P0", StringComparison.Ordinal),
    };

    /// <summary>The SharpgresBatch command that failed (ADO.NET's DbException.BatchCommand), null outside batches.</summary>
    protected override DbBatchCommand? DbBatchCommand => _batchCommand;

    /// <summary>The message, naming the failing batch command when the error came from a batch.</summary>
    public override string Message => _batchNote is null ? base.Message : base.Message + _batchNote;

    internal void FailedIn(DbBatchCommand command, int index)
    {
        if (_batchCommand is not null) return;
        _batchCommand = command;
        var text = command.CommandText.Length > 200 ? command.CommandText[..200] + "..." : command.CommandText;
        _batchNote = $" (in batch command {index}: {text})";
    }
}
