namespace Sharpgres;

/// <summary>A NoticeResponse (RAISE NOTICE, warnings) delivered to <see cref="Connection.Notice"/>.</summary>
public sealed class NoticeEventArgs(Diagnostics diagnostics) : EventArgs
{
    public Diagnostics Diagnostics { get; } = diagnostics;
    public override string ToString() => $"{Diagnostics.Severity}: {Diagnostics.MessagePrimary}";
}
