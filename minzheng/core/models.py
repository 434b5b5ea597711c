from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Append-only, hash-chained record of every state change and every view of a full record."""

    # seq, prev_hash and hash are empty while an entry waits to be sealed into the chain (see core/audit.py)
    seq = models.BigIntegerField("序号", unique=True, null=True, blank=True)
    created_at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="操作人",
    )
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象编号", max_length=64)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    area_code = models.CharField("区划代码", max_length=32, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64, blank=True, default="")
    hash = models.CharField("哈希", max_length=64, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed")]
        verbose_name = verbose_name_plural = "审计日志"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("审计日志只能追加，不能删除")

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class IdempotentRequest(models.Model):
    """The answer to one unsafe request (POST/PUT/PATCH/DELETE), written in the same transaction as the request's
    own writes, so a retry of that request is answered from here instead of running again (core/idempotency.py).
    The key is the client's Idempotency-Key or the load balancer's X-Request-ID; the scope is whose request it was
    (the user, else the session), so nobody is ever answered from another person's record."""

    key = models.CharField("请求键", max_length=140)
    scope = models.CharField("请求人", max_length=64)
    fingerprint = models.CharField("请求摘要", max_length=64)  # HMAC of method, path and body: same request?
    created_at = models.DateTimeField("时间", db_index=True)
    status = models.PositiveSmallIntegerField("状态码", null=True, blank=True)
    headers = models.JSONField("响应头", default=dict, blank=True)
    body = models.BinaryField("响应内容", null=True, blank=True)  # None: a file or a large page, not kept

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "scope"], name="core_idempotent_request_once")]
        verbose_name = verbose_name_plural = "请求重放记录"

    def __str__(self):
        return f"{self.key} ({self.scope})"
