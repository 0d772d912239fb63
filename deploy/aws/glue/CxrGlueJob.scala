// AWS Glue 5.0 entry point of cxr-spark.jar (docs/deploy.md, "The stages on Spark"). NOT RUN HERE: no Glue and no Scala
// compiler on the machine this was written on; deploy/aws/validate.py only checks the names it relies on.
//
// Glue runs a Scala script, not a jar's main class, and gives the driver no environment variables of our own, while
// SparkStages reads its settings from the environment. So this script takes the settings as job parameters of the
// same names (--CXR_DATABASE_URL ...), resolves the secrets it is told the names of (--CXR_DATABASE_PASSWORD_SECRET_ID
// cxr/database-password), and hands SparkStages.run(args, settings) the result. SparkStages.run is package-private,
// hence the package; main() would end the JVM with System.exit, which a Glue script must not do.
//
// Job parameters: --job-language scala --class org.cxr.spark.CxrGlueJob --extra-jars s3://.../cxr-spark.jar
//                 --cxr_stage backup|warehouse  and any of SparkSettings' variables, each as --NAME value or
//                 --NAME_SECRET_ID secret-name (a plain-text secret in Secrets Manager).
package org.cxr.spark

import com.amazonaws.services.glue.util.GlueArgParser
import com.amazonaws.services.secretsmanager.AWSSecretsManagerClientBuilder
import com.amazonaws.services.secretsmanager.model.GetSecretValueRequest

import scala.collection.JavaConverters._

object CxrGlueJob {
  private val SecretSuffix = "_SECRET_ID"

  def main(sysArgs: Array[String]): Unit = {
    val names = SparkSettings.Variable.values.toSeq.map(_.variableName)
    // getResolvedOptions fails on an option that was not given, so only the given ones are asked for.
    val given = (names ++ names.map(_ + SecretSuffix)).filter(name => sysArgs.contains("--" + name))
    val options = GlueArgParser.getResolvedOptions(sysArgs, ("cxr_stage" +: given).toArray)
    lazy val secrets = AWSSecretsManagerClientBuilder.defaultClient()
    val settings = names.flatMap { name =>
      options.get(name).orElse(options.get(name + SecretSuffix).map { secretId =>
        secrets.getSecretValue(new GetSecretValueRequest().withSecretId(secretId)).getSecretString
      }).map(name -> _)
    }.toMap
    val exitCode = SparkStages.run(Array(options("cxr_stage")), settings.asJava)
    if (exitCode != 0) {
      throw new IllegalStateException(s"cxr ${options("cxr_stage")} ended with exit code $exitCode (1: the run failed, 2: bad settings); see the driver log")
    }
  }
}
