// `sqlx::migrate!` embeds the migration files, but cargo only notices changes to files it
// already knew: a new migration must rebuild the crate too.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
