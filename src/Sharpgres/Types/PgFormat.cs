namespace Sharpgres.Types;

/// <summary>Wire format of a value: PostgreSQL's format codes.</summary>
public enum PgFormat : short
{
    /// <summary>Format code 0: the type's text representation (its output function), as psql shows it.</summary>
    Text = 0,
    /// <summary>Format code 1: the type's binary representation (its send/receive functions), network byte order.</summary>
    Binary = 1,
}
