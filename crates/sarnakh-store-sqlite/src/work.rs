//! Users, pipeline stages, activities, tasks and history rows.

use crate::leads::stale_or_missing;
use crate::list::{finish, is_time, push_order, push_seek, push_visibility};
use crate::rows::{ActivityRow, StageRow, TaskRow, USER_COLUMNS, UserRow};
use crate::{SqliteStore, backend};
use sarnakh_core::domain::page::{Cursor, CursorKey, SortDir};
use sarnakh_core::domain::task::{DueFilter, due_window};
use sarnakh_core::domain::{
    Activity, Page, PageRequest, PipelineStage, RecordRef, Task, TaskId, User, UserId,
};
use sarnakh_core::store::{StoreError, TaskFilter};
use sqlx::{QueryBuilder, Sqlite};

const TASK_COLUMNS: &str = "id, subject_type, subject_id, title, notes, due_at, owner_id, completed_at, created_at, version";
const ACTIVITY_COLUMNS: &str =
    "id, subject_type, subject_id, kind, outcome, summary, body, occurred_at, owner_id, created_at";
impl SqliteStore {
    pub(crate) async fn insert_user_row(&self, u: &User) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "insert into users ({USER_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(u.id.as_uuid())
        .bind(&u.email)
        .bind(&u.display_name)
        .bind(u.role.as_str())
        .bind(u.team_id.map(|t| t.as_uuid()))
        .bind(u.locale.as_str())
        .bind(&u.time_zone)
        .bind(u.disabled_at)
        .bind(u.created_at)
        .bind(u.version)
        .execute(&self.write)
        .await
        .map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn get_user_row(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> =
            sqlx::query_as(&format!("select {USER_COLUMNS} from users where id = $1"))
                .bind(id.as_uuid())
                .fetch_optional(&self.read)
                .await
                .map_err(backend)?;
        row.map(User::try_from).transpose()
    }

    pub(crate) async fn list_user_rows(&self) -> Result<Vec<User>, StoreError> {
        let rows: Vec<UserRow> = sqlx::query_as(&format!(
            "select {USER_COLUMNS} from users order by display_name, id"
        ))
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        rows.into_iter().map(User::try_from).collect()
    }

    pub(crate) async fn list_stage_rows(&self) -> Result<Vec<PipelineStage>, StoreError> {
        let rows: Vec<StageRow> = sqlx::query_as(
            "select key, name, probability, position, kind from pipeline_stages order by position",
        )
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        rows.into_iter().map(PipelineStage::try_from).collect()
    }

    pub(crate) async fn insert_activity_row(&self, a: &Activity) -> Result<(), StoreError> {
        sqlx::query(&format!("insert into activities ({ACTIVITY_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
            .bind(a.id.as_uuid()).bind(a.subject.kind()).bind(a.subject.uuid()).bind(a.kind.as_str())
            .bind(a.outcome.map(|o| o.as_str())).bind(&a.summary).bind(&a.body).bind(a.occurred_at)
            .bind(a.owner_id.map(|o| o.as_uuid())).bind(a.created_at)
            .execute(&self.write).await.map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn activity_rows_of(
        &self,
        subject: RecordRef,
    ) -> Result<Vec<Activity>, StoreError> {
        let rows: Vec<ActivityRow> = sqlx::query_as(&format!("select {ACTIVITY_COLUMNS} from activities where subject_type = $1 and subject_id = $2 order by occurred_at desc, id desc"))
            .bind(subject.kind()).bind(subject.uuid()).fetch_all(&self.read).await.map_err(backend)?;
        rows.into_iter().map(Activity::try_from).collect()
    }

    pub(crate) async fn write_task(
        &self,
        t: &Task,
        expected: Option<i64>,
    ) -> Result<(), StoreError> {
        let sql = match expected {
            None => format!("insert into tasks ({TASK_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"),
            Some(_) => "update tasks set subject_type = $2, subject_id = $3, title = $4, notes = $5, due_at = $6, owner_id = $7, completed_at = $8, created_at = $9, version = $10 where id = $1 and version = $11".to_owned(),
        };
        let query = sqlx::query(&sql)
            .bind(t.id.as_uuid())
            .bind(t.subject.map(|s| s.kind()))
            .bind(t.subject.map(|s| s.uuid()))
            .bind(&t.title)
            .bind(&t.notes)
            .bind(t.due_at)
            .bind(t.owner_id.as_uuid())
            .bind(t.completed_at)
            .bind(t.created_at)
            .bind(t.version);
        let query = match expected {
            Some(version) => query.bind(version),
            None => query,
        };
        let mut conn = self.write.acquire().await.map_err(backend)?;
        let result = query.execute(&mut *conn).await.map_err(backend)?;
        if expected.is_some() && result.rows_affected() == 0 {
            return Err(stale_or_missing(&mut conn, "tasks", t.id.as_uuid()).await);
        }
        Ok(())
    }

    pub(crate) async fn get_task_row(&self, id: TaskId) -> Result<Option<Task>, StoreError> {
        let row: Option<TaskRow> =
            sqlx::query_as(&format!("select {TASK_COLUMNS} from tasks where id = $1"))
                .bind(id.as_uuid())
                .fetch_optional(&self.read)
                .await
                .map_err(backend)?;
        row.map(Task::try_from).transpose()
    }

    pub(crate) async fn list_task_rows(
        &self,
        f: &TaskFilter,
        page: &PageRequest,
    ) -> Result<Page<Task>, StoreError> {
        let mut qb =
            QueryBuilder::<Sqlite>::new(format!("select {TASK_COLUMNS} from tasks where "));
        qb.push(if f.due == DueFilter::Done {
            "completed_at is not null"
        } else {
            "completed_at is null"
        });
        let (from, until) = due_window(f.due, f.now);
        if let Some(from) = from {
            qb.push(" and due_at >= ").push_bind(from);
        }
        if let Some(until) = until {
            qb.push(" and due_at < ").push_bind(until);
        }
        if let Some(owner) = f.owner {
            qb.push(" and owner_id = ").push_bind(owner.as_uuid());
        }
        push_visibility(&mut qb, &f.visibility, "owner_id", None);
        if let Some(subject) = f.subject {
            qb.push(" and subject_type = ")
                .push_bind(subject.kind())
                .push(" and subject_id = ")
                .push_bind(subject.uuid());
        }
        push_seek(&mut qb, "due_at", SortDir::Asc, page, is_time)?;
        push_order(&mut qb, "due_at", SortDir::Asc, page);
        let rows: Vec<TaskRow> = qb
            .build_query_as()
            .fetch_all(&self.read)
            .await
            .map_err(backend)?;
        let tasks = rows
            .into_iter()
            .map(Task::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(finish(tasks, page, |t| Cursor {
            key: CursorKey::Time(t.due_at),
            id: t.id.as_uuid(),
        }))
    }

    pub(crate) async fn task_rows_of(&self, subject: RecordRef) -> Result<Vec<Task>, StoreError> {
        let rows: Vec<TaskRow> = sqlx::query_as(&format!("select {TASK_COLUMNS} from tasks where subject_type = $1 and subject_id = $2 order by due_at, id"))
            .bind(subject.kind()).bind(subject.uuid()).fetch_all(&self.read).await.map_err(backend)?;
        rows.into_iter().map(Task::try_from).collect()
    }
}
