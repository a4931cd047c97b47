namespace Sharpgres.Testing;

/// <summary>A <see cref="TempServer"/> could not be set up, started or stopped.</summary>
public sealed class TempServerException : InvalidOperationException
{
    public TempServerException(string message, Exception? inner = null) : base(message, inner) { }
}
