namespace Sharpgres;

/// <summary>A NoticeResponse (RAISE NOTICE, warnings) delivered to <see cref="Connection.Notice"/>.</summary>
public sealed class NoticeEventArgs(Diagnostics diagnostics) : EventArgs
{
    /// <summary>The notice's fields: severity (NOTICE, WARNING, INFO ...), message, detail, hint, SQLSTATE.</summary>
    public Diagnostics Diagnostics { get; } = diagnostics;
    /// <summary>The notice as psql shows it: <c>NOTICE: message</c>.</summary>
    public override string ToString() => $"{Diagnostics.Severity}: {Diagnostics.MessagePrimary}";
}
