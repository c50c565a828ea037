from tests.support.infra import secure_kafka

__all__ = ["secure_kafka"]
