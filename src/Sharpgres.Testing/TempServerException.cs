namespace Sharpgres.Testing;

/// <summary>A <see cref="TempServer"/> could not be set up, started or stopped.</summary>
public sealed class TempServerException : InvalidOperationException
{
    /// <summary>Creates the exception; the message carries the failing command's output or the server log's tail.</summary>
    public TempServerException(string message, Exception? inner = null) : base(message, inner) { }
}
