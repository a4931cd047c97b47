namespace Sharpgres;

/// <summary>Pipeline mode on a connection.</summary>
public sealed partial class Connection
{
    internal Pipeline? ActivePipeline { get; set; }

    /// <summary>Enters pipeline mode until the returned block is disposed (psycopg's <c>conn.pipeline()</c>).</summary>
    public Pipeline Pipeline() => Sharpgres.Pipeline.Enter(this);
}
