"""Tag the events stored before events carried the server's tag (trust on upgrade: they are what this
server's database held at that moment). Without this every older event would read as written outside Siaga."""

from django.db import migrations


def tag_existing(apps, schema_editor):
    from siaga.custody.keys import custody_key

    Event = apps.get_model("custody", "Event")
    untagged = Event.objects.filter(tag="").only("pk", "hash")
    if not untagged.exists():
        return
    key = custody_key()
    batch = []
    for event in untagged.iterator(chunk_size=5000):
        try:
            event.tag = key.tag(event.hash)
        except ValueError:  # a garbled stored hash: verify names that event anyway
            continue
        batch.append(event)
        if len(batch) == 5000:
            Event.objects.bulk_update(batch, ["tag"])
            batch = []
    Event.objects.bulk_update(batch, ["tag"])


class Migration(migrations.Migration):
    dependencies = [("custody", "0002_checkpoint_signature_event_tag_code_lock")]
    operations = [migrations.RunPython(tag_existing, migrations.RunPython.noop)]
